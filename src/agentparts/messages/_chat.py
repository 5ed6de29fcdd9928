"""Chat messages: what agents send each other and return as answers."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field, computed_field

from .._construct import construct
from .._function_call import FunctionCall
from .._image import Image
from ..models import FunctionExecutionResult, LLMMessage, UserMessage
from ._base import BaseChatMessage, BaseTextChatMessage

__all__ = [
    "HandoffMessage",
    "MultiModalMessage",
    "StopMessage",
    "StructuredContentType",
    "StructuredMessage",
    "TextMessage",
    "ToolCallSummaryMessage",
]

StructuredContentType = TypeVar("StructuredContentType", bound=BaseModel, covariant=True)
"""The pydantic model type held by a :class:`StructuredMessage`."""


class TextMessage(BaseTextChatMessage):
    """A plain text message.

    Example:
        >>> TextMessage(content="Hello", source="user").to_model_message().content
        'Hello'
    """

    type: Literal["TextMessage"] = "TextMessage"


class StopMessage(BaseTextChatMessage):
    """A message asking the conversation to stop; ``content`` says why."""

    type: Literal["StopMessage"] = "StopMessage"


class HandoffMessage(BaseTextChatMessage):
    """A message handing the conversation over to another agent.

    Attributes:
        target: The name of the agent to hand over to.
        context: Model messages the target should see (for example the tool calls and
            results that came with the handoff).
    """

    target: str
    context: list[LLMMessage] = Field(default_factory=list[LLMMessage])
    type: Literal["HandoffMessage"] = "HandoffMessage"


class ToolCallSummaryMessage(BaseTextChatMessage):
    """The answer of an agent that ran tools and did not reflect on them.

    ``content`` summarizes every tool call of the turn (every round); ``tool_calls`` and
    ``results`` hold them in full.
    """

    tool_calls: list[FunctionCall]
    results: list[FunctionExecutionResult]
    type: Literal["ToolCallSummaryMessage"] = "ToolCallSummaryMessage"


class MultiModalMessage(BaseChatMessage):
    """A message of text and images.

    Example:
        >>> from agentparts import Image
        >>> msg = MultiModalMessage(content=["Look:", Image.from_base64("iVBORw0KGgo=")], source="user")
        >>> msg.to_model_text()
        'Look:\\n[image]'
    """

    content: list[str | Image]
    type: Literal["MultiModalMessage"] = "MultiModalMessage"

    def to_model_text(self, image_placeholder: str | None = "[image]") -> str:
        """The text parts, with each image replaced by ``image_placeholder`` (or dropped)."""
        parts: list[str] = []
        for item in self.content:
            if isinstance(item, str):
                parts.append(item)
            elif image_placeholder is not None:
                parts.append(image_placeholder)
        return "\n".join(parts)

    def to_text(self, iterm: bool = False) -> str:
        """The text parts, with ``<image>`` for each image."""
        return self.to_model_text("<image>")

    def to_model_message(self) -> UserMessage:
        """The text and images as one user message."""
        return construct(UserMessage, content=list(self.content), source=self.source)


class StructuredMessage(BaseChatMessage, Generic[StructuredContentType]):
    """A message whose content is a pydantic model instance (structured output).

    Attributes:
        content: The model instance.
        format_string: Optional ``str.format`` template over the content's fields used
            by :meth:`to_text` and :meth:`to_model_text`; JSON otherwise.

    Example:
        >>> from pydantic import BaseModel
        >>> class Answer(BaseModel):
        ...     value: int
        >>> StructuredMessage[Answer](content=Answer(value=4), source="a").to_text()
        '{"value":4}'
    """

    content: StructuredContentType
    format_string: str | None = None

    @computed_field
    @property
    def type(self) -> str:
        """The class name, ``StructuredMessage[ContentType]``."""
        return type(self).__name__

    def to_text(self) -> str:
        """The content through ``format_string``, or as JSON."""
        if self.format_string is not None:
            return self.format_string.format(**self.content.model_dump())
        return self.content.model_dump_json()

    def to_model_text(self) -> str:
        """Same as :meth:`to_text`."""
        return self.to_text()

    def to_model_message(self) -> UserMessage:
        """The text form as a user message."""
        return construct(UserMessage, content=self.to_model_text(), source=self.source)
