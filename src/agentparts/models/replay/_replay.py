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


_TOKEN_BUDGET = 10_000
"""The token budget :meth:`ReplayChatCompletionClient.remaining_tokens` counts down, as AutoGen."""


def _default_model_info() -> ModelInfo:
    # Differs from AutoGen (text only) on purpose: scripted tool calls work without
    # model_info; the porting guide says so.
    return ModelInfo(
        vision=True,
        function_calling=True,
        json_output=True,
        family=ModelFamily.UNKNOWN,
        structured_output=True,
        multiple_system_messages=True,
    )


def _words(text: str) -> int:
    return len(text.split())


class ReplayChatCompletionClient(ChatCompletionClient, Component[ReplayChatCompletionClientConfig]):
    """A model client that answers with a script, in order: for tests and demos.

    Strings become text answers (``cached=True``, as in AutoGen; see
    :meth:`set_cached_bool_value`); :class:`CreateResult` objects (for tool calls,
    thoughts or exact completion usage) are returned as given. Streaming yields a
    string word by word, then the final result; a scripted ``CreateResult`` is yielded
    whole. Usage counts words: prompt tokens are the words of the messages, completion
    tokens the words of a string answer or the given result's ``completion_tokens``.
    Every call is recorded in :attr:`calls`; the calls of :meth:`create` also in
    :attr:`create_calls`, with AutoGen's keys.

    Args:
        chat_completions: The answers, in order.
        model_info: What the model claims it can do. Default: everything (AutoGen's
            default is text only: give ``model_info`` to get that).

    Raises:
        ModelScriptExhaustedError: On a call after the last answer (see :meth:`reset`);
            a ``ValueError`` whose message starts with AutoGen's "No more mock responses
            available".

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
        self.provided_message_count = len(self.chat_completions)
        """How many answers were given (AutoGen's name)."""
        self._model_info = model_info if model_info is not None else _default_model_info()
        self._given_model_info = model_info
        self._index = 0
        self._cached = True
        self._create_calls: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        """Every call: ``messages``, ``tools``, ``tool_choice``, ``json_output``, ``extra_create_args``."""

    @property
    def create_calls(self) -> list[dict[str, Any]]:
        """The arguments of every answered :meth:`create` call, as AutoGen records them.

        Each is a dict of ``messages``, ``tools``, ``json_output``, ``extra_create_args``
        and ``cancellation_token``; streamed calls are not included (as in AutoGen), and
        :meth:`reset` keeps them. :attr:`calls` has every call.
        """
        return self._create_calls

    def set_cached_bool_value(self, value: bool) -> None:
        """Set the ``cached`` flag of the results made from string answers (default True)."""
        self._cached = value

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
                f"No more mock responses available: all {len(self.chat_completions)} scripted "
                "answers of the ReplayChatCompletionClient were used. Give more answers, or "
                "call reset() to replay them."
            )
        answer = self.chat_completions[self._index]
        self._index += 1
        prompt_tokens = self.count_tokens(messages, tools=tools)
        if isinstance(answer, str):
            usage = RequestUsage(prompt_tokens, _words(answer))
            result = CreateResult(
                finish_reason="stop", content=answer, usage=usage, cached=self._cached
            )
        else:
            usage = RequestUsage(prompt_tokens, answer.usage.completion_tokens)
            result = answer.model_copy()
        self._record_usage(usage)  # every answer counts, cached flag or not (as AutoGen)
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
        self._create_calls.append(
            {
                "messages": messages,
                "tools": tools,
                "json_output": json_output,
                "extra_create_args": extra_create_args,
                "cancellation_token": cancellation_token,
            }
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
        """Stream the next scripted answer: a string's words, then the final result.

        A scripted :class:`CreateResult` is yielded whole, without chunks (as AutoGen).
        """
        if _events.isEnabledFor(logging.INFO):
            emit(LLMStreamStartEvent(model=self.model, messages=len(messages)))
        scripted = self.chat_completions[self._index] if self.remaining > 0 else None
        result = self._next(
            messages, tools, tool_choice, json_output, extra_create_args, cancellation_token
        )
        if isinstance(scripted, str) and isinstance(result.content, str):
            for word in _WORDS.findall(result.content):
                if cancellation_token is not None and cancellation_token.is_cancelled():
                    raise asyncio.CancelledError("The cancellation token was cancelled.")
                yield word
        emit_model_event(LLMStreamEndEvent, self.model, result)
        yield result

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Tokens left of a budget of 10,000 after every call so far, as AutoGen counts.

        The budget is ``model_info["context_window"]`` when given. ``messages`` and
        ``tools`` do not count (as in AutoGen): the total usage does.
        """
        budget = self._model_info.get("context_window") or _TOKEN_BUDGET
        used = self.total_usage()
        return max(0, budget - used.prompt_tokens - used.completion_tokens)

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
