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

import logging
from enum import Enum
from typing import Any, ClassVar

from ._constants import EVENT_LOGGER_NAME

__all__ = [
    "AgentConstructionExceptionEvent",
    "CodeExecutionEvent",
    "ComponentLoadEvent",
    "DeliveryStage",
    "Event",
    "LLMCallEvent",
    "LLMStreamEndEvent",
    "LLMStreamStartEvent",
    "MessageDroppedEvent",
    "MessageEvent",
    "MessageHandlerExceptionEvent",
    "MessageKind",
    "MessageUnhandledEvent",
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
        import json  # (imported on first use: importing agentparts stays small)

        return json.dumps(self.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fields!r})"


class _TokenUsage(Event):
    """An event carrying a model call's ``prompt_tokens`` and ``completion_tokens``."""

    __slots__ = ()

    @property
    def prompt_tokens(self) -> int:
        """The call's prompt tokens (0 if not logged)."""
        return int(self.fields.get("prompt_tokens", 0))

    @property
    def completion_tokens(self) -> int:
        """The call's completion tokens (0 if not logged)."""
        return int(self.fields.get("completion_tokens", 0))


class LLMCallEvent(_TokenUsage):
    """A finished, non-streamed model call: model, messages, response, token usage."""

    type = "LLMCall"


class LLMStreamStartEvent(Event):
    """A streamed model call started."""

    type = "LLMStreamStart"


class LLMStreamEndEvent(_TokenUsage):
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


# --- agent runtime ----------------------------------------------------------------------


class MessageKind(Enum):
    """How a message travels: direct (RPC), published, or as the response to an RPC."""

    DIRECT = 1
    PUBLISH = 2
    RESPOND = 3


class DeliveryStage(Enum):
    """Whether a message event marks the sending or the delivery to one recipient."""

    SEND = 1
    DELIVER = 2


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


class MessageEvent(Event):
    """A message was sent or delivered by an agent runtime.

    Args:
        payload: The message (as JSON text where a serializer is known).
        sender: The sending agent id, or None.
        receiver: The receiving agent id or topic id, or None.
        kind: Direct, publish or response.
        delivery_stage: Send or deliver.
        **kwargs: More fields.
    """

    type = "Message"

    def __init__(
        self,
        *,
        payload: str,
        sender: object | None,
        receiver: object | None,
        kind: MessageKind,
        delivery_stage: DeliveryStage,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            payload=payload,
            sender=_str_or_none(sender),
            receiver=_str_or_none(receiver),
            kind=str(kind),
            delivery_stage=str(delivery_stage),
            **kwargs,
        )


class MessageDroppedEvent(Event):
    """A message was not delivered: an intervention handler dropped it, or the runtime
    stopped with it still queued (``reason`` says which).

    Args:
        payload: The message.
        sender: The sending agent id, or None.
        receiver: The receiving agent id or topic id, or None.
        kind: Direct, publish or response.
        **kwargs: More fields (``reason``).
    """

    type = "MessageDropped"

    def __init__(
        self,
        *,
        payload: str,
        sender: object | None,
        receiver: object | None,
        kind: MessageKind,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            payload=payload,
            sender=_str_or_none(sender),
            receiver=_str_or_none(receiver),
            kind=str(kind),
            **kwargs,
        )


class MessageHandlerExceptionEvent(Event):
    """A message handler raised.

    Args:
        payload: The message.
        handling_agent: The agent whose handler raised.
        exception: The exception.
        **kwargs: More fields.
    """

    type = "MessageHandlerException"

    def __init__(
        self, *, payload: str, handling_agent: object, exception: BaseException, **kwargs: Any
    ) -> None:
        super().__init__(
            payload=payload,
            handling_agent=str(handling_agent),
            exception=f"{type(exception).__name__}: {exception}",
            **kwargs,
        )


class AgentConstructionExceptionEvent(Event):
    """An agent factory raised (or returned an object of the wrong class).

    Args:
        agent_id: The agent that was being created.
        exception: The exception.
        **kwargs: More fields.
    """

    type = "AgentConstructionException"

    def __init__(self, *, agent_id: object, exception: BaseException, **kwargs: Any) -> None:
        super().__init__(
            agent_id=str(agent_id), exception=f"{type(exception).__name__}: {exception}", **kwargs
        )


class MessageUnhandledEvent(Event):
    """A published message reached an agent with no handler for it (not an error)."""

    type = "MessageUnhandled"


def emit(event: Event, level: int = logging.INFO) -> None:
    """Log ``event`` on the event logger, cheaply when nobody listens."""
    if _event_logger.isEnabledFor(level):
        _event_logger.log(level, event)
