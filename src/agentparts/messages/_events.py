"""Agent events: what happens inside an agent, for observers (consoles, logs, UIs)."""

from __future__ import annotations

from typing import Literal

from .._function_call import FunctionCall
from ..code_executor import CodeBlock, CodeResult
from ..memory import MemoryContent
from ..models import FunctionExecutionResult
from ._base import BaseAgentEvent

__all__ = [
    "CodeExecutionEvent",
    "CodeGenerationEvent",
    "MemoryQueryEvent",
    "ModelClientStreamingChunkEvent",
    "SelectSpeakerEvent",
    "SelectorEvent",
    "ThoughtEvent",
    "ToolCallExecutionEvent",
    "ToolCallRequestEvent",
    "UserInputRequestedEvent",
]


class ToolCallRequestEvent(BaseAgentEvent):
    """The model asked for tool calls; ``content`` holds them."""

    content: list[FunctionCall]
    type: Literal["ToolCallRequestEvent"] = "ToolCallRequestEvent"

    def to_text(self) -> str:
        """The calls, one per line."""
        return "\n".join(f"{c.name}({c.arguments}) [id={c.id}]" for c in self.content)


class ToolCallExecutionEvent(BaseAgentEvent):
    """Tool calls were run; ``content`` holds their results (errors included)."""

    content: list[FunctionExecutionResult]
    type: Literal["ToolCallExecutionEvent"] = "ToolCallExecutionEvent"

    def to_text(self) -> str:
        """The results, one per line."""
        return "\n".join(
            f"{r.name}: {'ERROR: ' if r.is_error else ''}{r.content} [id={r.call_id}]"
            for r in self.content
        )


class ModelClientStreamingChunkEvent(BaseAgentEvent):
    """A chunk of text streamed by the model.

    Attributes:
        content: The chunk.
        full_message_id: The id of the message the chunks add up to.
    """

    content: str
    full_message_id: str | None = None
    type: Literal["ModelClientStreamingChunkEvent"] = "ModelClientStreamingChunkEvent"

    def to_text(self) -> str:
        """The chunk."""
        return self.content


class ThoughtEvent(BaseAgentEvent):
    """The model's reasoning ("thought") that came with a response."""

    content: str
    type: Literal["ThoughtEvent"] = "ThoughtEvent"

    def to_text(self) -> str:
        """The thought."""
        return self.content


class MemoryQueryEvent(BaseAgentEvent):
    """Memory contents that were retrieved and added to the model context."""

    content: list[MemoryContent]
    type: Literal["MemoryQueryEvent"] = "MemoryQueryEvent"

    def to_text(self) -> str:
        """The memory contents, one per line."""
        return "\n".join(str(m.content) for m in self.content)


class CodeGenerationEvent(BaseAgentEvent):
    """A model wrote code to run.

    Attributes:
        retry_attempt: 0 for the first attempt, then 1, 2... after errors.
        content: The model's full answer.
        code_blocks: The code blocks found in it.
    """

    retry_attempt: int
    content: str
    code_blocks: list[CodeBlock]
    type: Literal["CodeGenerationEvent"] = "CodeGenerationEvent"

    def to_text(self) -> str:
        """The model's answer."""
        return self.content


class CodeExecutionEvent(BaseAgentEvent):
    """Code blocks were run.

    Attributes:
        retry_attempt: Which attempt this run belongs to (see :class:`CodeGenerationEvent`).
        result: The executor's result (exit code and output).
    """

    retry_attempt: int
    result: CodeResult
    type: Literal["CodeExecutionEvent"] = "CodeExecutionEvent"

    def to_text(self) -> str:
        """The output of the code."""
        return self.result.output


class UserInputRequestedEvent(BaseAgentEvent):
    """A user proxy is about to ask a person for input (emitted before the question).

    Attributes:
        request_id: Identifies the request; the answer belongs to it.
        content: Always empty (kept for consumers that read ``content``).
    """

    request_id: str
    content: Literal[""] = ""
    type: Literal["UserInputRequestedEvent"] = "UserInputRequestedEvent"

    def to_text(self) -> str:
        """Empty."""
        return self.content


class SelectSpeakerEvent(BaseAgentEvent):
    """A team chose who speaks next (emitted with ``emit_team_events=True``).

    Attributes:
        content: The names of the chosen speakers.
    """

    content: list[str]
    type: Literal["SelectSpeakerEvent"] = "SelectSpeakerEvent"

    def to_text(self) -> str:
        """The names, as a list."""
        return str(self.content)


class SelectorEvent(BaseAgentEvent):
    """What a team's speaker selector did (a retry, a fallback), for observers.

    Attributes:
        content: A description of the step.
    """

    content: str
    type: Literal["SelectorEvent"] = "SelectorEvent"

    def to_text(self) -> str:
        """The description."""
        return self.content
