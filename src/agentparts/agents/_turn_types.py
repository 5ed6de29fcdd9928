"""The message and model classes an agent turn reads, imported on their first read.

They are Pydantic models, so importing an agent must not import them: the first one
loads Pydantic's model machinery. A local import in each function that uses them would
cost 1.5-2 µs a call (a relative import resolves its package in Python), several times a
turn; a class attribute of :class:`TurnTypes` costs one attribute read once imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .._lazy import imported_on_read

if TYPE_CHECKING:
    from .._image import Image
    from ..base import TaskResult
    from ..messages import (
        BaseAgentEvent,
        BaseChatMessage,
        HandoffMessage,
        MemoryQueryEvent,
        ModelClientStreamingChunkEvent,
        TextMessage,
        ThoughtEvent,
        ToolCallExecutionEvent,
        ToolCallRequestEvent,
        ToolCallSummaryMessage,
    )
    from ..models import (
        AssistantMessage,
        CreateResult,
        FunctionExecutionResult,
        FunctionExecutionResultMessage,
        UserMessage,
    )

__all__ = ["TurnTypes"]

_MESSAGES = "agentparts.messages"
_MODELS = "agentparts.models"


class TurnTypes:
    """Each attribute is the class it names, imported when first read."""

    assistant_message: ClassVar[type[AssistantMessage]] = imported_on_read(
        _MODELS, "AssistantMessage"
    )
    base_agent_event: ClassVar[type[BaseAgentEvent]] = imported_on_read(_MESSAGES, "BaseAgentEvent")
    base_chat_message: ClassVar[type[BaseChatMessage]] = imported_on_read(
        _MESSAGES, "BaseChatMessage"
    )
    chunk_event: ClassVar[type[ModelClientStreamingChunkEvent]] = imported_on_read(
        _MESSAGES, "ModelClientStreamingChunkEvent"
    )
    create_result: ClassVar[type[CreateResult]] = imported_on_read(_MODELS, "CreateResult")
    function_execution_result: ClassVar[type[FunctionExecutionResult]] = imported_on_read(
        _MODELS, "FunctionExecutionResult"
    )
    function_execution_result_message: ClassVar[type[FunctionExecutionResultMessage]] = (
        imported_on_read(_MODELS, "FunctionExecutionResultMessage")
    )
    handoff_message: ClassVar[type[HandoffMessage]] = imported_on_read(_MESSAGES, "HandoffMessage")
    memory_query_event: ClassVar[type[MemoryQueryEvent]] = imported_on_read(
        _MESSAGES, "MemoryQueryEvent"
    )
    image: ClassVar[type[Image]] = imported_on_read("agentparts._image", "Image")
    task_result: ClassVar[type[TaskResult]] = imported_on_read("agentparts.base", "TaskResult")
    text_message: ClassVar[type[TextMessage]] = imported_on_read(_MESSAGES, "TextMessage")
    thought_event: ClassVar[type[ThoughtEvent]] = imported_on_read(_MESSAGES, "ThoughtEvent")
    tool_call_execution_event: ClassVar[type[ToolCallExecutionEvent]] = imported_on_read(
        _MESSAGES, "ToolCallExecutionEvent"
    )
    tool_call_request_event: ClassVar[type[ToolCallRequestEvent]] = imported_on_read(
        _MESSAGES, "ToolCallRequestEvent"
    )
    tool_call_summary_message: ClassVar[type[ToolCallSummaryMessage]] = imported_on_read(
        _MESSAGES, "ToolCallSummaryMessage"
    )
    user_message: ClassVar[type[UserMessage]] = imported_on_read(_MODELS, "UserMessage")
