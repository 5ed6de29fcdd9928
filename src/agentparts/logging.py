"""Structured events that agentparts emits on the ``EVENT_LOGGER_NAME`` logger.

Each event is a small JSON-serializable record: ``str(event)`` gives its JSON, and
:meth:`Event.to_dict` gives it as a dict. Handlers may also read ``record.msg``, which is
the event object itself.

Example:
    >>> import logging
    >>> from agentparts import EVENT_LOGGER_NAME
    >>> logging.getLogger(EVENT_LOGGER_NAME).setLevel(logging.INFO)
"""

from __future__ import annotations

import json
import logging
from typing import Any, ClassVar

from ._constants import EVENT_LOGGER_NAME

__all__ = [
    "CodeExecutionEvent",
    "ComponentLoadEvent",
    "Event",
    "LLMCallEvent",
    "LLMStreamEndEvent",
    "LLMStreamStartEvent",
    "ToolCallEvent",
    "emit",
]

_event_logger = logging.getLogger(EVENT_LOGGER_NAME)


class Event:
    """A structured event: a ``type`` and JSON-serializable fields."""

    type: ClassVar[str] = "Event"
    __slots__ = ("fields",)

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def to_dict(self) -> dict[str, Any]:
        """The event as a dict whose first key is ``type``."""
        return {"type": self.type, **self.fields}

    def __str__(self) -> str:
        return json.dumps(self.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fields!r})"


class LLMCallEvent(Event):
    """A finished, non-streamed model call: model, messages, response, token usage."""

    type = "LLMCall"


class LLMStreamStartEvent(Event):
    """A streamed model call started."""

    type = "LLMStreamStart"


class LLMStreamEndEvent(Event):
    """A streamed model call ended: response and token usage."""

    type = "LLMStreamEnd"


class ToolCallEvent(Event):
    """A tool was run: tool name, arguments, result, error flag."""

    type = "ToolCall"


class CodeExecutionEvent(Event):
    """Code was run by an executor: executor, languages, exit code, duration."""

    type = "CodeExecution"


class ComponentLoadEvent(Event):
    """A component was loaded from a config: provider, component type, version."""

    type = "ComponentLoad"


def emit(event: Event, level: int = logging.INFO) -> None:
    """Log ``event`` on the event logger, cheaply when nobody listens."""
    if _event_logger.isEnabledFor(level):
        _event_logger.log(level, event)
