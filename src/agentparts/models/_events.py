"""Logging model calls as structured events, at no cost when nobody listens."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._constants import EVENT_LOGGER_NAME
from ..logging import Event, emit

if TYPE_CHECKING:
    from ._types import CreateResult

__all__ = ["emit_model_event"]

_events = logging.getLogger(EVENT_LOGGER_NAME)


def emit_model_event(
    event_type: type[Event],
    model: str,
    result: CreateResult,
    *,
    messages: Sequence[Any] | None = None,
    response: Any = None,
) -> None:
    """Emit ``event_type`` for a finished model call (``LLMCallEvent``, ``LLMStreamEndEvent``).

    Args:
        event_type: The event class.
        model: The model's name.
        result: The call's result; its usage is logged, and it stands for the response
            when no raw ``response`` is given.
        messages: The request's messages (message objects or wire dicts), if logged.
        response: The raw response, when the client has one.
    """
    if not _events.isEnabledFor(logging.INFO):
        return
    from pydantic import BaseModel

    fields: dict[str, Any] = {"model": model}
    if messages is not None:
        fields["messages"] = [
            m.model_dump(mode="json") if isinstance(m, BaseModel) else m for m in messages
        ]
    fields["response"] = response if response is not None else result.model_dump(mode="json")
    fields["prompt_tokens"] = result.usage.prompt_tokens
    fields["completion_tokens"] = result.usage.completion_tokens
    emit(event_type(**fields))
