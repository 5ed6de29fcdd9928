"""``ReplayChatCompletionClient``: scripted answers for tests and demos."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel, ConfigDict
from typing_extensions import Self

from ..._cancellation_token import CancellationToken
from ..._component import Component
from ..._constants import EVENT_LOGGER_NAME
from ...errors import ModelScriptExhaustedError
from ...logging import LLMCallEvent, LLMStreamEndEvent, LLMStreamStartEvent, emit
from .._client import ChatCompletionClient
from .._events import emit_model_event
from .._model_info import ModelFamily, ModelInfo, validate_model_info
from .._types import CreateResult, LLMMessage, RequestUsage

if TYPE_CHECKING:
    from ...tools import Tool, ToolSchema

__all__ = ["ReplayChatCompletionClient", "ReplayChatCompletionClientConfig"]

_events = logging.getLogger(EVENT_LOGGER_NAME)
_WORDS = re.compile(r"\S+\s*|\s+")


class ReplayChatCompletionClientConfig(BaseModel):
    """The saved form of a :class:`ReplayChatCompletionClient`."""

    model_config = ConfigDict(defer_build=True)

    chat_completions: list[str | CreateResult]
    model_info: ModelInfo | None = None


def _default_model_info() -> ModelInfo:
    return ModelInfo(
        vision=True,
        function_calling=True,
        json_output=True,
        family=ModelFamily.UNKNOWN,
        structured_output=True,
        multiple_system_messages=True,
        context_window=10_000,
    )


def _words(text: str) -> int:
    return len(text.split())


class ReplayChatCompletionClient(ChatCompletionClient, Component[ReplayChatCompletionClientConfig]):
    """A model client that answers with a script, in order: for tests and demos.

    Strings become text answers; :class:`CreateResult` objects (for tool calls, thoughts
    or exact usage) are returned as given. Streaming yields a string word by word, then
    the final result. Usage counts words. Every call is recorded in :attr:`calls`.

    Args:
        chat_completions: The answers, in order.
        model_info: What the model claims it can do. Default: everything, with a
            10,000-token context window.

    Raises:
        ModelScriptExhaustedError: On a call after the last answer (see :meth:`reset`).

    Example:
        >>> import asyncio
        >>> from agentparts.models import UserMessage
        >>> client = ReplayChatCompletionClient(["Hello!", "Bye."])
        >>> asyncio.run(client.create([UserMessage(content="Hi", source="user")])).content
        'Hello!'
    """

    component_config_schema = ReplayChatCompletionClientConfig
    component_provider_override = "agentparts.models.replay.ReplayChatCompletionClient"

    def __init__(
        self,
        chat_completions: Sequence[str | CreateResult],
        model_info: ModelInfo | None = None,
    ) -> None:
        if model_info is not None:
            validate_model_info(model_info)
        self.chat_completions = list(chat_completions)
        self._model_info = model_info if model_info is not None else _default_model_info()
        self._given_model_info = model_info
        self._index = 0
        self.calls: list[dict[str, Any]] = []
        """Every call: ``messages``, ``tools``, ``tool_choice``, ``json_output``, ``extra_create_args``."""

    @property
    def model(self) -> str:
        """Always ``"replay"``."""
        return "replay"

    @property
    def model_info(self) -> ModelInfo:
        """What the scripted model claims it can do."""
        return self._model_info

    @property
    def remaining(self) -> int:
        """How many scripted answers are left."""
        return len(self.chat_completions) - self._index

    def reset(self) -> None:
        """Start the script again from the first answer and zero the usage."""
        self._index = 0
        self.calls.clear()
        self._reset_usage()

    def _next(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Any,
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
        cancellation_token: CancellationToken | None,
    ) -> CreateResult:
        if cancellation_token is not None and cancellation_token.is_cancelled():
            raise asyncio.CancelledError("The cancellation token was cancelled.")
        self.calls.append(
            {
                "messages": list(messages),
                "tools": list(tools),
                "tool_choice": tool_choice,
                "json_output": json_output,
                "extra_create_args": dict(extra_create_args),
            }
        )
        if self._index >= len(self.chat_completions):
            raise ModelScriptExhaustedError(
                f"ReplayChatCompletionClient has no answer left: all "
                f"{len(self.chat_completions)} scripted answers were used. Give more "
                "answers, or call reset() to replay them."
            )
        answer = self.chat_completions[self._index]
        self._index += 1
        prompt_tokens = self.count_tokens(messages, tools=tools)
        if isinstance(answer, str):
            result = CreateResult(
                finish_reason="stop",
                content=answer,
                usage=RequestUsage(prompt_tokens, _words(answer)),
            )
        else:
            result = answer.model_copy()
        self._record_usage(result.usage, cached=result.cached)
        return result

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """Return the next scripted answer."""
        result = self._next(
            messages, tools, tool_choice, json_output, extra_create_args, cancellation_token
        )
        emit_model_event(LLMCallEvent, self.model, result, messages=messages)
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Stream the next scripted answer: its words, then the final result."""
        if _events.isEnabledFor(logging.INFO):
            emit(LLMStreamStartEvent(model=self.model, messages=len(messages)))
        result = self._next(
            messages, tools, tool_choice, json_output, extra_create_args, cancellation_token
        )
        if isinstance(result.content, str):
            for word in _WORDS.findall(result.content):
                if cancellation_token is not None and cancellation_token.is_cancelled():
                    raise asyncio.CancelledError("The cancellation token was cancelled.")
                yield word
        emit_model_event(LLMStreamEndEvent, self.model, result)
        yield result

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Words in the messages (and tool schemas): a stand-in for tokens."""
        total = 0
        for message in messages:
            content: Any = message.content
            if isinstance(content, str):
                total += _words(content)
            elif isinstance(content, list):
                for part in cast("list[Any]", content):
                    text = getattr(part, "content", None) or getattr(part, "arguments", None)
                    total += _words(part if isinstance(part, str) else str(text or ""))
        for tool in tools:
            schema = tool if isinstance(tool, dict) else tool.schema
            total += _words(str(schema))
        return total

    def _to_config(self) -> ReplayChatCompletionClientConfig:
        return ReplayChatCompletionClientConfig(
            chat_completions=list(self.chat_completions), model_info=self._given_model_info
        )

    @classmethod
    def _from_config(cls, config: ReplayChatCompletionClientConfig) -> Self:
        return cls(chat_completions=config.chat_completions, model_info=config.model_info)
