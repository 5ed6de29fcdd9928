from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import BaseModel, Field

from agentparts._construct import construct
from agentparts.messages import TextMessage


def test_construct_fills_default_factories_freshly_and_keeps_fields_set() -> None:
    first = construct(TextMessage, content="hi", source="user")
    second = construct(TextMessage, content="hi", source="user")
    assert (first.content, first.source, first.type) == ("hi", "user", "TextMessage")
    assert isinstance(first.created_at, datetime) and first.metadata == {}
    assert first.id != second.id
    assert first.metadata is not second.metadata
    assert first.model_fields_set == {"content", "source"}
    assert first.model_dump(exclude_unset=True) == {"content": "hi", "source": "user"}


def test_construct_keeps_given_values() -> None:
    message = construct(TextMessage, content="hi", source="a", id="m1", metadata={"k": "v"})
    assert (message.id, message.metadata) == ("m1", {"k": "v"})


def test_construct_refuses_factories_that_need_the_validated_data() -> None:
    class Derived(BaseModel):
        a: int
        b: int = Field(default_factory=lambda data: data["a"] + 1)

    with pytest.raises(TypeError, match="validated data"):
        construct(Derived, a=1)
