"""Messages, results and usage exchanged with model clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._function_call import FunctionCall
from .._image import Image

__all__ = [
    "AssistantMessage",
    "ChatCompletionTokenLogprob",
    "CreateResult",
    "FinishReasons",
    "FunctionExecutionResult",
    "FunctionExecutionResultMessage",
    "LLMMessage",
    "RequestUsage",
    "SystemMessage",
    "TopLogprob",
    "UserMessage",
]


class SystemMessage(BaseModel):
    """Instructions for the model from the developer.

    Attributes:
        content: The instruction text.
    """

    model_config = ConfigDict(defer_build=True)

    content: str
    type: Literal["SystemMessage"] = "SystemMessage"


class UserMessage(BaseModel):
    """A message from a user or an agent: text, or a list of text and images.

    Attributes:
        content: Text, or a list mixing ``str`` and :class:`~agentparts.Image` parts.
        source: The name of who sent the message.
    """

    model_config = ConfigDict(defer_build=True, arbitrary_types_allowed=True)

    content: str | list[str | Image]
    source: str = "user"
    type: Literal["UserMessage"] = "UserMessage"


class AssistantMessage(BaseModel):
    """A message the model produced: text, or a list of tool calls.

    Attributes:
        content: The reply text, or the tool calls the model asked for.
        thought: The reasoning that came with the reply, if any.
        source: The name of the agent that sent the message.
    """

    model_config = ConfigDict(defer_build=True)

    content: str | list[FunctionCall]
    thought: str | None = None
    source: str = "assistant"
    type: Literal["AssistantMessage"] = "AssistantMessage"

    @property
    def function_calls(self) -> list[FunctionCall]:
        """The tool calls in ``content`` (an empty list when the content is text)."""
        return list(self.content) if isinstance(self.content, list) else []


class FunctionExecutionResult(BaseModel):
    """The result of one tool call, sent back to the model.

    Attributes:
        content: The result (or error) text.
        name: The name of the tool that was called.
        call_id: The id of the :class:`~agentparts.FunctionCall` this answers.
        is_error: Whether the tool failed; the model then sees the error text.
    """

    model_config = ConfigDict(defer_build=True)

    content: str
    name: str
    call_id: str
    is_error: bool | None = None


class FunctionExecutionResultMessage(BaseModel):
    """The results of the tool calls of one assistant message.

    Attributes:
        content: One result per tool call.
    """

    model_config = ConfigDict(defer_build=True)

    content: list[FunctionExecutionResult]
    type: Literal["FunctionExecutionResultMessage"] = "FunctionExecutionResultMessage"


LLMMessage = Annotated[
    SystemMessage | UserMessage | AssistantMessage | FunctionExecutionResultMessage,
    Field(discriminator="type"),
]
"""Any message a model client accepts, discriminated by its ``type`` field."""


@dataclass
class RequestUsage:
    """Tokens used by a model call.

    Attributes:
        prompt_tokens: Tokens read by the model.
        completion_tokens: Tokens the model produced.
    """

    prompt_tokens: int
    completion_tokens: int


FinishReasons = Literal["stop", "length", "function_calls", "content_filter", "unknown"]
"""Why the model stopped: end of text, token limit, tool calls, filtered, or unknown."""

_FINISH_REASON_ALIASES: dict[str, str] = {
    "tool_calls": "function_calls",
    "function_call": "function_calls",
    "eos": "stop",
    "end_turn": "stop",
    "max_tokens": "length",
}
_FINISH_REASONS = frozenset(("stop", "length", "function_calls", "content_filter", "unknown"))


class TopLogprob(BaseModel):
    """One of the most likely tokens at a position.

    Attributes:
        logprob: Its log probability.
        bytes: Its UTF-8 bytes, if given.
    """

    model_config = ConfigDict(defer_build=True)

    logprob: float
    bytes: list[int] | None = None


class ChatCompletionTokenLogprob(BaseModel):
    """The log probability of one produced token.

    Attributes:
        token: The token text.
        logprob: Its log probability.
        top_logprobs: The most likely alternatives, if asked for.
        bytes: Its UTF-8 bytes, if given.
    """

    model_config = ConfigDict(defer_build=True)

    token: str
    logprob: float
    top_logprobs: list[TopLogprob] | None = None
    bytes: list[int] | None = None


class CreateResult(BaseModel):
    """The answer of a model call.

    ``finish_reason="tool_calls"`` (the OpenAI wire name) is accepted as
    ``"function_calls"``, and ``CreateResult(function_calls=[...])`` puts the calls into
    ``content`` (any text given alongside becomes ``thought``).

    Attributes:
        finish_reason: Why the model stopped.
        content: The reply text, or the tool calls the model asked for.
        usage: Tokens used by the call.
        cached: Whether the answer came from a cache.
        logprobs: Token log probabilities, if asked for.
        thought: Reasoning text that came with the answer, if any.
    """

    model_config = ConfigDict(defer_build=True)

    finish_reason: FinishReasons
    content: str | list[FunctionCall]
    usage: RequestUsage
    cached: bool = False
    logprobs: list[ChatCompletionTokenLogprob] | None = None
    thought: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_function_calls(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        raw = cast("dict[str, Any]", data)
        if "function_calls" in raw:
            values = dict(raw)
            calls = values.pop("function_calls")
            if calls:
                text = values.get("content")
                if isinstance(text, str) and text and not values.get("thought"):
                    values["thought"] = text
                values["content"] = list(calls)
            elif values.get("content") is None:
                values["content"] = ""
            return values
        return raw

    @field_validator("finish_reason", mode="before")
    @classmethod
    def _normalize_finish_reason(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = _FINISH_REASON_ALIASES.get(value, value)
            if value not in _FINISH_REASONS:
                return "unknown"
        return value
