"""Turning saved messages back into message objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import BaseAgentEvent, BaseChatMessage
from ._chat import (
    HandoffMessage,
    MultiModalMessage,
    StopMessage,
    TextMessage,
    ToolCallSummaryMessage,
)
from ._events import (
    CodeExecutionEvent,
    CodeGenerationEvent,
    MemoryQueryEvent,
    ModelClientStreamingChunkEvent,
    SelectorEvent,
    SelectSpeakerEvent,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    UserInputRequestedEvent,
)

__all__ = ["MessageFactory"]

_BUILTIN: tuple[type[BaseChatMessage | BaseAgentEvent], ...] = (
    TextMessage,
    StopMessage,
    HandoffMessage,
    ToolCallSummaryMessage,
    MultiModalMessage,
    ToolCallRequestEvent,
    ToolCallExecutionEvent,
    ModelClientStreamingChunkEvent,
    ThoughtEvent,
    MemoryQueryEvent,
    CodeGenerationEvent,
    CodeExecutionEvent,
    UserInputRequestedEvent,
    SelectSpeakerEvent,
    SelectorEvent,
)


class MessageFactory:
    """Creates messages and events from their saved form (``dump()``), by ``type``.

    The built-in types are known; register your own message classes and concrete
    ``StructuredMessage[YourModel]`` classes with :meth:`register`.

    Example:
        >>> factory = MessageFactory()
        >>> msg = factory.create(TextMessage(content="hi", source="user").dump())
        >>> type(msg).__name__, msg.to_text()
        ('TextMessage', 'hi')
    """

    def __init__(self) -> None:
        self._types: dict[str, type[BaseChatMessage | BaseAgentEvent]] = {
            cls.__name__: cls for cls in _BUILTIN
        }

    def is_registered(self, message_type: type[BaseChatMessage | BaseAgentEvent]) -> bool:
        """Whether ``message_type`` is known."""
        return self._types.get(message_type.__name__) is message_type

    def register(self, message_type: type[BaseChatMessage | BaseAgentEvent]) -> None:
        """Make ``message_type`` loadable under its class name.

        Raises:
            ValueError: another class is already registered under the same name.
        """
        known = self._types.get(message_type.__name__)
        if known is not None and known is not message_type:
            raise ValueError(
                f"A different message class is already registered as {message_type.__name__!r}; "
                "give your class another name."
            )
        self._types[message_type.__name__] = message_type

    def create(self, data: Mapping[str, Any]) -> BaseChatMessage | BaseAgentEvent:
        """The message or event that ``data`` (from ``dump()``) describes.

        Raises:
            ValueError: ``data`` has no ``type``, or its type is not registered.
        """
        type_name = data.get("type")
        if not isinstance(type_name, str):
            raise ValueError("Saved message has no 'type' field; it was not made by dump().")
        cls = self._types.get(type_name)
        if cls is None:
            raise ValueError(
                f"Unknown message type {type_name!r}: register its class with "
                "MessageFactory.register() before loading."
            )
        payload = dict(data)
        if type_name.startswith("StructuredMessage"):
            payload.pop("type", None)
        return cls.model_validate(payload)
