"""Messages and events that agents exchange and emit.

Chat messages (:class:`BaseChatMessage`) go between agents and become model messages
through ``to_model_message()``; events (:class:`BaseAgentEvent`) report what happens inside
an agent. Every message saves with ``dump()`` and loads with ``load()`` or
:class:`MessageFactory`. (``StructuredMessageFactory``, a component, is loaded on first use.)
"""

from typing import TYPE_CHECKING, Any

from ._base import BaseAgentEvent as BaseAgentEvent
from ._base import BaseChatMessage as BaseChatMessage
from ._base import BaseMessage as BaseMessage
from ._base import BaseTextChatMessage as BaseTextChatMessage
from ._chat import HandoffMessage as HandoffMessage
from ._chat import MultiModalMessage as MultiModalMessage
from ._chat import StopMessage as StopMessage
from ._chat import StructuredContentType as StructuredContentType
from ._chat import StructuredMessage as StructuredMessage
from ._chat import TextMessage as TextMessage
from ._chat import ToolCallSummaryMessage as ToolCallSummaryMessage
from ._events import CodeExecutionEvent as CodeExecutionEvent
from ._events import CodeGenerationEvent as CodeGenerationEvent
from ._events import MemoryQueryEvent as MemoryQueryEvent
from ._events import ModelClientStreamingChunkEvent as ModelClientStreamingChunkEvent
from ._events import SelectorEvent as SelectorEvent
from ._events import SelectSpeakerEvent as SelectSpeakerEvent
from ._events import ThoughtEvent as ThoughtEvent
from ._events import ToolCallExecutionEvent as ToolCallExecutionEvent
from ._events import ToolCallRequestEvent as ToolCallRequestEvent
from ._events import UserInputRequestedEvent as UserInputRequestedEvent
from ._factory import MessageFactory as MessageFactory
from ._unions import AgentEvent as AgentEvent
from ._unions import ChatMessage as ChatMessage

if TYPE_CHECKING:
    from ._structured_factory import StructuredMessageFactory as StructuredMessageFactory

__all__ = [
    "AgentEvent",
    "BaseAgentEvent",
    "BaseChatMessage",
    "BaseMessage",
    "BaseTextChatMessage",
    "ChatMessage",
    "CodeExecutionEvent",
    "CodeGenerationEvent",
    "HandoffMessage",
    "MemoryQueryEvent",
    "MessageFactory",
    "ModelClientStreamingChunkEvent",
    "MultiModalMessage",
    "SelectSpeakerEvent",
    "SelectorEvent",
    "StopMessage",
    "StructuredContentType",
    "StructuredMessage",
    "StructuredMessageFactory",
    "TextMessage",
    "ThoughtEvent",
    "ToolCallExecutionEvent",
    "ToolCallRequestEvent",
    "ToolCallSummaryMessage",
    "UserInputRequestedEvent",
]


def __getattr__(name: str) -> Any:
    if name == "StructuredMessageFactory":
        from ._structured_factory import StructuredMessageFactory

        globals()[name] = StructuredMessageFactory
        return StructuredMessageFactory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
