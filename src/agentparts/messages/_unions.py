"""AutoGen's union types of the built-in messages: ``ChatMessage`` and ``AgentEvent``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

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
    SelectSpeakerEvent,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    UserInputRequestedEvent,
)

__all__ = ["AgentEvent", "ChatMessage"]

ChatMessage = Annotated[
    TextMessage | MultiModalMessage | StopMessage | ToolCallSummaryMessage | HandoffMessage,
    Field(discriminator="type"),
]
"""Any built-in chat message, told apart by ``type`` (``StructuredMessage`` is not one).

For ``pydantic.TypeAdapter(ChatMessage)`` and fields of that type, as in AutoGen."""

AgentEvent = Annotated[
    ToolCallRequestEvent
    | ToolCallExecutionEvent
    | MemoryQueryEvent
    | UserInputRequestedEvent
    | ModelClientStreamingChunkEvent
    | ThoughtEvent
    | SelectSpeakerEvent
    | CodeGenerationEvent
    | CodeExecutionEvent,
    Field(discriminator="type"),
]
"""Any built-in agent event (as AutoGen's union: ``SelectorEvent`` is not one)."""
