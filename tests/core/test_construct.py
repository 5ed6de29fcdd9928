from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from agentparts._construct import _plan, construct  # pyright: ignore[reportPrivateUsage]
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


class _Defaults(BaseModel):
    name: str
    tags: list[str] = ["a"]
    empty: tuple[int, ...] = ()
    limit: int = 3
    label: str | None = None


def test_construct_matches_model_construct_field_for_field() -> None:
    made = construct(_Defaults, limit=5, name="n")
    expected = _Defaults.model_construct(name="n", limit=5)
    assert made == expected
    assert list(made.__dict__) == list(expected.__dict__)  # declaration order, as dumped
    assert made.model_fields_set == {"name", "limit"}
    assert made.model_dump() == {"name": "n", "tags": ["a"], "empty": (), "limit": 5, "label": None}


def test_construct_copies_mutable_defaults_per_instance() -> None:
    first = construct(_Defaults, name="a")
    first.tags.append("changed")
    assert construct(_Defaults, name="b").tags == ["a"]


def test_construct_refuses_unknown_field_names() -> None:
    with pytest.raises(TypeError, match="_Defaults has no field named colour"):
        construct(_Defaults, name="n", colour="red")


def test_construct_without_a_required_field_leaves_it_unset_like_model_construct() -> None:
    made = construct(_Defaults, limit=1)
    assert "name" not in made.__dict__
    assert made.model_fields_set == {"limit"}


class _Aliased(BaseModel):
    value: int = Field(alias="v")


class _WithPrivate(BaseModel):
    value: int
    _seen: list[int] = PrivateAttr(default_factory=list[int])


class _Extra(BaseModel):
    model_config = ConfigDict(extra="allow")
    value: int


def test_construct_hands_classes_the_shortcut_does_not_fit_to_model_construct() -> None:
    assert [_plan(c) for c in (_Aliased, _WithPrivate, _Extra)] == [None, None, None]
    assert _plan(_Defaults) is not None
    assert construct(_Aliased, v=2).value == 2
    private = construct(_WithPrivate, value=1)
    assert private.value == 1 and private._seen == []  # pyright: ignore[reportPrivateUsage]
    extra = construct(_Extra, value=1, other="x")
    assert extra.model_extra == {"other": "x"}
