"""``ReplayChatCompletionClient``: scripted answers for tests and demos."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from ..._cancellation_token import CancellationToken
from ..._component import Component
from ..._constants import EVENT_LOGGER_NAME
from ..._lazy import imported_on_read
from ...errors import ModelScriptExhaustedError
from ...logging import LLMCallEvent, LLMStreamEndEvent, LLMStreamStartEvent, emit
from .._client import ChatCompletionClient
from .._events import emit_model_event
from .._model_info import ModelFamily, ModelInfo, validate_model_info

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ...tools import Tool, ToolSchema
    from .._types import CreateResult, LLMMessage, RequestUsage
    from ._config import ReplayChatCompletionClientConfig

__all__ = ["ReplayChatCompletionClient"]

_events = logging.getLogger(EVENT_LOGGER_NAME)
_WORDS = re.compile(r"\S+\s*|\s+")


_TOKEN_BUDGET = 10_000
"""The token budget :meth:`ReplayChatCompletionClient.remaining_tokens` counts down, as AutoGen."""


def _default_model_info() -> ModelInfo:
    # AutoGen's default: a text-only model of an unknown family. Scripts with tool calls,
    # JSON or structured output, or images give a model_info that claims them.
    return ModelInfo(
        vision=False,
        function_calling=False,
        json_output=False,
        family=ModelFamily.UNKNOWN,
        structured_output=False,
    )


def _text_words(messages: Sequence[LLMMessage]) -> int:
    # As AutoGen: only text content counts (tool calls, tool results, images do not).
    return sum(_words(m.content) for m in messages if isinstance(m.content, str))


def _words(text: str) -> int:
    return len(text.split())


class ReplayChatCompletionClient(
    ChatCompletionClient, Component["ReplayChatCompletionClientConfig"]
):
    """A model client that answers with a script, in order: for tests and demos.

    Behaves as AutoGen's replay client. Strings become text answers (``cached=True``;
    see :meth:`set_cached_bool_value`); :class:`CreateResult` objects (for tool calls,
    thoughts or exact completion usage) are returned as given. Streaming yields a
    string word by word, then the final result; a scripted ``CreateResult`` is yielded
    whole. Usage counts words: prompt tokens are the words of the messages' text
    contents (tool calls, tool results and images count 0, tools are not counted),
    completion tokens the words of a string answer or the given result's
    ``completion_tokens``. :meth:`total_usage` adds up every call, :meth:`actual_usage`
    is the last call's. Every call is recorded in :attr:`calls`; the calls of
    :meth:`create` also in :attr:`create_calls`, with AutoGen's keys.

    Args:
        chat_completions: The answers, in order.
        model_info: What the model claims it can do. Default (AutoGen's): text only, no
            vision, function calling, JSON or structured output, family ``"unknown"``.
            An :class:`~agentparts.agents.AssistantAgent` with tools or handoffs needs
            ``function_calling=True``; images reach the model only with ``vision=True``.

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
        >>> from agentparts.models import ModelInfo
        >>> calls_tools = ModelInfo(vision=False, function_calling=True, json_output=False,
        ...                         family="unknown", structured_output=False)
        >>> ReplayChatCompletionClient([], model_info=calls_tools).model_info["function_calling"]
        True
    """

    component_config_schema = imported_on_read(
        "agentparts.models.replay._config", "ReplayChatCompletionClientConfig"
    )
    # Read on every call: imported on first read (a local import costs 1.5-2 µs a call).
    _create_result: ClassVar[type[CreateResult]] = imported_on_read(
        "agentparts.models._types", "CreateResult"
    )
    _request_usage: ClassVar[type[RequestUsage]] = imported_on_read(
        "agentparts.models._types", "RequestUsage"
    )
    component_provider_override = "agentparts.models.replay.ReplayChatCompletionClient"

    def __init__(
        self,
        chat_completions: Sequence[str | CreateResult],
        model_info: ModelInfo | None = None,
    ) -> None:
        from .._types import RequestUsage

        if model_info is not None:
            validate_model_info(model_info)
        self.chat_completions = list(chat_completions)
        self.provided_message_count = len(self.chat_completions)
        """How many answers were given (AutoGen's name)."""
        self._model_info = model_info if model_info is not None else _default_model_info()
        self._index = 0
        self._last_usage = RequestUsage(0, 0)
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
        """Start the script again from the first answer and zero the usage.

        :attr:`create_calls` is kept (as AutoGen); :attr:`calls` is cleared.
        """
        from .._types import RequestUsage

        self._index = 0
        self.calls.clear()
        self._last_usage = RequestUsage(0, 0)
        self._reset_usage()

    def actual_usage(self) -> RequestUsage:
        """The usage of the last answered call (as AutoGen's replay client; zero at first)."""
        from .._types import RequestUsage

        return RequestUsage(self._last_usage.prompt_tokens, self._last_usage.completion_tokens)

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
        prompt_tokens = _text_words(messages)
        if isinstance(answer, str):
            usage = self._request_usage(prompt_tokens, _words(answer))
            result = self._create_result(
                finish_reason="stop", content=answer, usage=usage, cached=self._cached
            )
        else:
            usage = self._request_usage(prompt_tokens, answer.usage.completion_tokens)
            result = answer.model_copy()
        self._last_usage = usage
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
                "tools": list(tools) if isinstance(tools, tuple) else tools,  # AutoGen: a list
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
        """Words in the messages' text contents: a stand-in for tokens, as AutoGen counts.

        Tool calls, tool results, images and ``tools`` count 0.
        """
        return _text_words(messages)

    def _to_config(self) -> ReplayChatCompletionClientConfig:
        from ._config import ReplayChatCompletionClientConfig

        return ReplayChatCompletionClientConfig(
            chat_completions=list(self.chat_completions), model_info=self._model_info
        )

    @classmethod
    def _from_config(cls, config: ReplayChatCompletionClientConfig) -> Self:
        return cls(chat_completions=config.chat_completions, model_info=config.model_info)
