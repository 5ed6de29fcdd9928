"""``AnthropicChatCompletionClient``: Claude through the Messages API, on httpx."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self, cast

from ..._cancellation_token import CancellationToken, CancelScope
from ..._component import Component
from ..._constants import EVENT_LOGGER_NAME
from ..._lazy import imported_on_read
from ...errors import ModelAuthenticationError, ModelCapabilityError, ModelStreamError
from .._http import (
    HttpChatClient,
    HttpLimits,
    Redactor,
    RetryPolicy,
    Transport,
    check_finite_numbers,
    decode_json,
    given_model_info,
    http_limits,
)
from .._http._client import saved_values
from .._http._limits import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_STREAM_TIMEOUT,
)
from .._model_info import ModelCapabilities, ModelInfo
from ._model_info import default_max_tokens, resolve_model_info
from ._tokens import estimate_tokens

if TYPE_CHECKING:
    from pydantic import BaseModel, SecretStr

    from ..._capabilities import Capability
    from ...tools import Tool, ToolSchema
    from .._types import CreateResult, LLMMessage
    from ._config import AnthropicClientConfig

__all__ = ["ANTHROPIC_BASE_URL", "CREATE_ARG_NAMES", "AnthropicChatCompletionClient"]

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
KEY_VARIABLE = "ANTHROPIC_API_KEY"
_JSON_MODE_NOTE = "Answer with one JSON object only: no prose, no code fences."
_events = logging.getLogger(EVENT_LOGGER_NAME)
_log = logging.getLogger(__name__)

CREATE_ARG_NAMES = (
    "max_tokens",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "response_format",
    "metadata",
    "thinking",
)
"""Request fields a client takes as defaults for every call (fields of its config too)."""


def _api_key(api_key: str | SecretStr | None, base_url: str | None) -> SecretStr | None:
    from pydantic import SecretStr

    from ..._secrets import secret_from_env

    secret = SecretStr(api_key) if isinstance(api_key, str) else api_key
    if secret is None:
        secret = secret_from_env(KEY_VARIABLE)
    if secret is None and base_url is None:
        raise ModelAuthenticationError(
            f"No API key for Anthropic: pass api_key=, or set the {KEY_VARIABLE} environment "
            "variable. For a proxy or test server that needs no key, pass its base_url."
        )
    return secret


def _thinking_on(thinking: Any) -> bool:
    if thinking is None:
        return False
    if not isinstance(thinking, dict):
        from pydantic import BaseModel

        if not isinstance(thinking, BaseModel):
            return False
        thinking = thinking.model_dump(exclude_none=True)
    return cast("dict[str, Any]", thinking).get("type") == "enabled"


def _check_create_args(create_args: dict[str, Any]) -> None:
    """Refuse unknown request fields and non-finite numbers; a ``thinking`` model as a dict."""
    unknown = sorted(set(create_args) - set(CREATE_ARG_NAMES))
    if unknown:
        raise TypeError(
            f"AnthropicChatCompletionClient got unknown arguments {', '.join(unknown)}. "
            f"Request fields it takes: {', '.join(CREATE_ARG_NAMES)}; pass others per "
            "call with extra_create_args=."
        )
    check_finite_numbers(create_args, "the client's arguments")
    thinking = create_args.get("thinking")
    if thinking is not None and not isinstance(thinking, dict):
        from pydantic import BaseModel

        if isinstance(thinking, BaseModel):
            create_args["thinking"] = thinking.model_dump(exclude_none=True)


def _request_defaults(model: str, create_args: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The fields every request sends (``max_tokens`` defaulted per model, raised by a
    thinking budget) and whether ``response_format`` asks for JSON mode."""
    args = {k: v for k, v in create_args.items() if v is not None}
    response_format: Any = args.pop("response_format", None)
    json_mode = isinstance(response_format, dict) and (
        cast("dict[str, Any]", response_format).get("type") == "json_object"
    )
    if "max_tokens" not in args:
        args["max_tokens"] = default_max_tokens(model)
        thinking = create_args.get("thinking")
        budget = thinking.get("budget_tokens") if isinstance(thinking, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if _thinking_on(thinking) and isinstance(budget, int):
            args["max_tokens"] += budget  # Claude needs max_tokens > budget_tokens
    return args, json_mode


def _messages_transport(
    model: str,
    base_url: str | None,
    secret: SecretStr | None,
    anthropic_version: str,
    default_headers: Mapping[str, str] | None,
    limits: HttpLimits,
    retry: RetryPolicy,
) -> tuple[Transport, dict[str, str]]:
    """The transport to ``<base_url>/v1/messages`` and the headers every request sends."""
    key = secret.get_secret_value() if secret is not None else None
    root = (base_url or ANTHROPIC_BASE_URL).rstrip("/")
    headers = {
        "content-type": "application/json",
        "accept": "application/json",
        "anthropic-version": anthropic_version,
    }
    if key:
        headers["x-api-key"] = key
    headers.update(default_headers or {})
    transport = Transport(
        root,
        root + "/v1/messages",
        model,
        limits,
        retry,
        Redactor(key),
        f"api_key= or the {KEY_VARIABLE} environment variable",
    )
    return transport, headers


def _lacks_signed_thinking(wire: list[dict[str, Any]]) -> bool:
    """Whether the current tool turn's assistant message has no thinking block first."""
    for message in reversed(wire):
        if message["role"] == "assistant":
            blocks = message["content"]
            uses_tools = any(b.get("type") == "tool_use" for b in blocks)
            first = blocks[0].get("type") if blocks else None
            return uses_tools and first not in ("thinking", "redacted_thinking")
    return False


class AnthropicChatCompletionClient(HttpChatClient, Component["AnthropicClientConfig"]):
    """A model client for Claude through Anthropic's Messages API (``/v1/messages``).

    Built directly on httpx (no ``anthropic`` SDK), sharing the OpenAI client's pools,
    retries, deadlines and size caps. System messages anywhere in the conversation are
    merged into the one system prompt; tool results go back as ``tool_result`` blocks
    (failed ones with ``is_error``); extended thinking comes back as the result's
    ``thought``, and the signed thinking blocks of a tool-use answer are sent back in
    place on the next turn; ``json_output=MyModel`` forces a call of a tool whose input
    schema is the model's, and returns that input as the JSON content.

    Args:
        model: The Claude model, e.g. ``"claude-sonnet-4-20250514"``.
        api_key: The API key. Default: the ``ANTHROPIC_API_KEY`` environment variable,
            saved as a reference to that variable, never as its value.
        base_url: The API root (default ``https://api.anthropic.com``); requests go to
            ``<base_url>/v1/messages``.
        model_info: What the model can do; required for models agentparts does not know.
        model_capabilities: Deprecated AutoGen form of ``model_info``.
        timeout: Seconds one request may take in all, per attempt (default 60).
        stream_idle_timeout: Seconds a stream may go without an event (default: timeout).
        stream_timeout: Seconds a whole streamed answer may take.
        max_response_bytes: The largest answer in bytes (default 32 MiB).
        max_event_bytes: The largest line of a streamed answer (default 4 MiB).
        max_retries: Retries on timeouts, connection errors, 429, 5xx and Anthropic's
            ``overloaded_error`` (529); default 2. ``invalid_request_error`` is not retried.
        retry_initial_delay: The first backoff in seconds (``Retry-After`` wins).
        retry_max_delay: The largest backoff in seconds.
        max_connections: Requests in flight at once.
        default_headers: Extra headers sent with every request (e.g. ``anthropic-beta``).
        anthropic_version: The ``anthropic-version`` header.
        tools: Default tools (Anthropic tool objects) for calls given none.
        tool_choice: Default tool choice: ``"auto"``, ``"any"``, ``"none"`` or an object.
        **create_args: Default request fields: ``max_tokens`` (default: the model's
            output limit, at most 8192), ``temperature``, ``top_p``, ``top_k``,
            ``stop_sequences``, ``metadata``, ``thinking`` and ``response_format``
            (``{"type": "json_object"}`` turns on JSON mode).

    Raises:
        ModelAuthenticationError: No API key (the message names ``ANTHROPIC_API_KEY``).
        ModelInfoRequiredError: The model is unknown and no ``model_info`` was given.
        ValueError: A request field is NaN or infinite, or a limit is not positive.

    Example:
        >>> client = AnthropicChatCompletionClient(  # doctest: +SKIP
        ...     model="claude-sonnet-4-20250514", max_tokens=1024)
    """

    component_config_schema = imported_on_read(
        "agentparts.models.anthropic._config", "AnthropicClientConfig"
    )
    component_provider_override = "agentparts.models.anthropic.AnthropicChatCompletionClient"
    component_env_vars = (KEY_VARIABLE,)

    def __init__(
        self,
        model: str,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        model_info: ModelInfo | None = None,
        model_capabilities: ModelCapabilities | None = None,
        timeout: float | None = None,
        stream_idle_timeout: float | None = None,
        stream_timeout: float = DEFAULT_STREAM_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_retries: int | None = None,
        retry_initial_delay: float = 0.5,
        retry_max_delay: float = 8.0,
        max_connections: int = 100,
        default_headers: Mapping[str, str] | None = None,
        anthropic_version: str = "2023-06-01",
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: Literal["auto", "any", "none"] | Mapping[str, Any] | None = None,
        **create_args: Any,
    ) -> None:
        from ._messages import TurnMemory

        _check_create_args(create_args)
        limits = http_limits(
            timeout, stream_idle_timeout, stream_timeout, max_response_bytes, max_event_bytes
        )
        secret = _api_key(api_key, base_url)
        given_info = given_model_info(model_info, model_capabilities)
        self._config_values: dict[str, Any] = dict(
            model=model,
            api_key=secret,
            base_url=base_url,
            model_info=dict(given_info) if given_info is not None else None,
            model_capabilities=model_capabilities,
            timeout=timeout,
            stream_idle_timeout=stream_idle_timeout,
            stream_timeout=stream_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_retries=max_retries,
            retry_initial_delay=retry_initial_delay,
            retry_max_delay=retry_max_delay,
            max_connections=max_connections,
            default_headers=dict(default_headers) if default_headers else None,
            anthropic_version=anthropic_version,
            tools=[dict(t) for t in tools] if tools else None,
            tool_choice=dict(tool_choice) if isinstance(tool_choice, Mapping) else tool_choice,
            **create_args,
        )
        self._model = model
        self._model_info = resolve_model_info(model, given_info)
        self._create_args, self._json_mode = _request_defaults(model, create_args)
        self._default_tools = [dict(t) for t in tools] if tools else []
        self._default_choice = tool_choice
        self._memory = TurnMemory()
        retry = RetryPolicy(
            2 if max_retries is None else max_retries, retry_initial_delay, retry_max_delay
        )
        transport, headers = _messages_transport(
            model, base_url, secret, anthropic_version, default_headers, limits, retry
        )
        self._connect(transport, headers, max_connections)

    @property
    def base_url(self) -> str:
        """The API root requests go to."""
        return self._transport.base_url

    # --- requests --------------------------------------------------------------------

    def _request(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Tool | Literal["auto", "required", "none"],
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
        stream: bool,
    ) -> tuple[dict[str, Any], str | None]:
        """The request body, and the name of the structured-output tool (if any)."""
        from ._messages import messages_to_wire, structured_tool, tool_choice_to_wire, tools_to_wire

        info = self._model_info
        system, wire = messages_to_wire(messages, self._model, info, self._memory)
        body: dict[str, Any] = {"model": self._model, "messages": wire}
        body.update(self._create_args)
        if extra_create_args:
            check_finite_numbers(extra_create_args, "extra_create_args")
            body.update(extra_create_args)
        thinking = _thinking_on(body.get("thinking"))
        if thinking and _lacks_signed_thinking(wire):
            # Claude refuses such a turn while thinking is on (the signed blocks were lost,
            # e.g. the history was saved and loaded): answer this turn without thinking.
            _log.warning(
                "The last tool-use turn has no signed thinking block (not made by this "
                "client); thinking is off for this call so Claude accepts the history."
            )
            body.pop("thinking")
            thinking = False
        wire_tools = tools_to_wire(tools) if tools else list(self._default_tools)
        choice: Any = None
        if tools:
            choice = tool_choice_to_wire(tool_choice, tools)
        elif self._default_tools and self._default_choice is not None:
            default: Any = self._default_choice
            choice = tool_choice_to_wire(default, ())
        if wire_tools:
            self._check_tools_allowed()
        structured: str | None = None
        notes: list[str] = []
        if isinstance(json_output, type):
            if not info.get("structured_output"):
                raise ModelCapabilityError(
                    f"Model {self._model!r} does not support structured output "
                    "(model_info['structured_output'] is False)."
                )
            answer = structured_tool(json_output)
            structured = answer["name"]
            wire_tools = [*wire_tools, answer]
            if thinking or tools:
                # Claude refuses a forced tool while thinking; with other tools the model
                # may still call those first.
                notes.append(f"Give your final answer by calling the {structured} tool.")
            else:
                choice = {"type": "tool", "name": structured}
        elif json_output is True or (json_output is None and self._json_mode):
            notes.append(_JSON_MODE_NOTE)
        if notes:
            system = "\n\n".join(p for p in (system, *notes) if p)
        if system:
            body["system"] = system
        if wire_tools:
            body["tools"] = wire_tools
        if choice is not None:
            body["tool_choice"] = choice
        if stream:
            body["stream"] = True
        return body, structured

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
        """Ask Claude for one answer (see :meth:`ChatCompletionClient.create`).

        Raises:
            ModelClientError: A subclass saying what failed: authentication, unknown model,
                invalid request (Claude's message shown), context too long, rate limit or
                overload after retries, timeout, connection, or an invalid answer.
        """
        from ._response import result_from_message

        body, structured = self._request(
            messages, tools, tool_choice, json_output, extra_create_args, False
        )
        with CancelScope(cancellation_token, whole_block=True):
            content = await self._post(body)
        data = decode_json(content, self.base_url)
        result, blocks = result_from_message(data, self.base_url, structured)
        self._memory.remember(blocks)
        if not result.usage.prompt_tokens and not result.usage.completion_tokens:
            result.usage.prompt_tokens = self._estimate(body)
        return self._answered(result, body, data)

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
        """Stream one answer: text chunks, then one final :class:`CreateResult`.

        Thinking is not yielded as text: it is the final result's ``thought``. Usage is
        the same as :meth:`create` reports (from ``message_start`` and ``message_delta``).

        Raises:
            ModelStreamError: The stream broke, sent an ``error`` event, or ended before
                ``message_stop``.
        """
        from ._response import StreamAccumulator

        body, structured = self._request(
            messages, tools, tool_choice, json_output, extra_create_args, True
        )
        accumulator = StreamAccumulator(self.base_url, structured)
        with CancelScope(cancellation_token, whole_block=True):
            async with self._open_stream(body) as stream:
                async for data in stream.data():
                    event = decode_json(data, self.base_url)
                    text = accumulator.add(event)
                    if text:
                        yield text
                    if accumulator.done:
                        break
        if not accumulator.done:
            raise ModelStreamError(
                f"The response stream from {self.base_url} ended before it was complete "
                f"(after {accumulator.events} events, no message_stop). The partial answer "
                "was dropped: retry the call."
            )
        result = accumulator.result()
        self._memory.remember(accumulator.blocks())
        if not result.usage.prompt_tokens and not result.usage.completion_tokens:
            result.usage.prompt_tokens = self._estimate(body)
        yield self._streamed(result)

    def _estimate(self, body: dict[str, Any]) -> int:
        return estimate_tokens(body.get("system"), body["messages"], body.get("tools", []))

    # --- tokens ----------------------------------------------------------------------

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Prompt tokens of ``messages`` and ``tools``: an offline estimate.

        Anthropic publishes no offline tokenizer for Claude 3 and later, so this counts
        3.5 characters per token, 1,600 per image and a small overhead per message and
        tool (see :mod:`agentparts.models.anthropic._tokens`).
        """
        from ._messages import messages_to_wire, tools_to_wire

        info = self._counting_info()
        system, wire = messages_to_wire(messages, self._model, info, self._memory)
        return estimate_tokens(system, wire, tools_to_wire(tools))

    # --- component -------------------------------------------------------------------

    def _to_config(self) -> AnthropicClientConfig:
        from ._config import AnthropicClientConfig

        return AnthropicClientConfig.model_validate(self._config_values)

    @classmethod
    def _from_config(cls, config: AnthropicClientConfig) -> Self:
        values = saved_values(config)
        create_args = {name: values.pop(name) for name in CREATE_ARG_NAMES}
        create_args = {k: v for k, v in create_args.items() if v is not None}
        return cls(**values, **create_args)

    @classmethod
    def _capabilities(cls, config: AnthropicClientConfig) -> list[Capability]:
        from ..._capabilities import env_read, network

        found = [network(config.base_url or ANTHROPIC_BASE_URL, "Anthropic Messages API")]
        if config.api_key is None:  # the client falls back to the variable, if set
            found.append(env_read(KEY_VARIABLE, "the API key", only_if_set=True))
        return found
