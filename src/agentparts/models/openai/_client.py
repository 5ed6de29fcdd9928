"""``OpenAIChatCompletionClient``: any OpenAI-compatible Chat Completions endpoint, on httpx."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncGenerator, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self

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
from .._http._limits import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_STREAM_TIMEOUT,
    DEFAULT_TIMEOUT,
)
from .._model_info import ModelCapabilities, ModelInfo
from ._model_info import ProviderRoute, provider_route, resolve_model_info
from ._tokens import count_wire_tokens

if TYPE_CHECKING:
    from pydantic import BaseModel, SecretStr

    from ..._capabilities import Capability
    from ...tools import Tool, ToolSchema
    from .._types import CreateResult, LLMMessage, RequestUsage
    from ._config import OpenAIClientConfig

__all__ = ["BaseOpenAIChatCompletionClient", "OpenAIChatCompletionClient"]

OPENAI_BASE_URL = "https://api.openai.com/v1"
_events = logging.getLogger(EVENT_LOGGER_NAME)

_CREATE_ARG_NAMES = (
    "temperature",
    "top_p",
    "max_tokens",
    "max_completion_tokens",
    "stop",
    "seed",
    "frequency_penalty",
    "presence_penalty",
    "user",
    "parallel_tool_calls",
    "reasoning_effort",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "n",
    "response_format",
)


def _check_create_args(create_args: Mapping[str, Any], cls: type[Any]) -> frozenset[str]:
    """Check the request fields; return the names that are the subclass's own config fields.

    A subclass whose ``component_config_schema`` adds fields (AutoGen ports often do) may
    pass them on: they are saved with the client and never sent.
    """
    unknown = set(create_args) - set(_CREATE_ARG_NAMES)
    own: frozenset[str] = frozenset()
    if unknown:
        from ._config import OpenAIClientConfig

        schema: Any = getattr(cls, "component_config_schema", None)
        declared = set(getattr(schema, "model_fields", {})) - set(OpenAIClientConfig.model_fields)
        own = frozenset(unknown & declared)
        unknown -= own
    if unknown:
        raise TypeError(
            f"{cls.__name__} got unknown arguments {', '.join(sorted(unknown))}. "
            f"Request fields it takes: {', '.join(_CREATE_ARG_NAMES)}; pass others per "
            "call with extra_create_args=."
        )
    check_finite_numbers(create_args, "the client's arguments")
    return own


def _sdk_settings(client: Any) -> dict[str, Any]:
    """The connection settings of an openai SDK client object (read, never called)."""
    settings: dict[str, Any] = {}
    base_url = getattr(client, "base_url", None)
    if base_url is not None:
        settings["base_url"] = str(base_url)
    for name in ("api_key", "organization", "project"):
        value = getattr(client, name, None)
        if isinstance(value, str) and value:
            settings[name] = value
    retries = getattr(client, "max_retries", None)
    if isinstance(retries, int) and not isinstance(retries, bool):
        settings["max_retries"] = retries
    timeout = getattr(client, "timeout", None)
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        settings["timeout"] = float(timeout)
    headers = getattr(client, "_custom_headers", None)  # the SDK's default_headers=
    if isinstance(headers, Mapping) and headers:
        settings["default_headers"] = {str(k): str(v) for k, v in headers.items()}  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
    return settings


def _api_key(
    api_key: str | SecretStr | None,
    custom_endpoint: bool,
    route: ProviderRoute | None,
    model: str,
) -> SecretStr | None:
    """The key given, else the routed provider's variable, else ``OPENAI_API_KEY``."""
    from pydantic import SecretStr

    from ..._secrets import secret_from_env

    secret = SecretStr(api_key) if isinstance(api_key, str) else api_key
    if secret is not None:
        return secret
    if route is not None:  # only ever sent to the provider's own endpoint
        secret = secret_from_env(route.key_variable)
        if secret is None:
            raise ModelAuthenticationError(
                f"No API key for {route.provider}: model {model!r} goes to {route.base_url}. "
                f"Pass api_key=, set the {route.key_variable} environment variable, or pass "
                "base_url= for another endpoint."
            )
        return secret
    secret = secret_from_env("OPENAI_API_KEY")
    if secret is None and not custom_endpoint:
        raise ModelAuthenticationError(
            "No API key for OpenAI: pass api_key=, or set the OPENAI_API_KEY environment "
            "variable. For a local OpenAI-compatible server, pass its base_url (or set "
            "OPENAI_BASE_URL)."
        )
    return secret


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _headers(
    key: str | None,
    organization: str | None,
    project: str | None,
    default_headers: Mapping[str, str] | None,
) -> dict[str, str]:
    headers = {"content-type": "application/json", "accept": "application/json"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    if organization:
        headers["openai-organization"] = organization
    if project:
        headers["openai-project"] = project
    headers.update(default_headers or {})
    return headers


def _sent_create_args(
    create_args: Mapping[str, Any], extra_fields: Collection[str]
) -> dict[str, Any]:
    """The request fields the client sends on every call: those given a value, without
    the fields a subclass handles itself (``extra_fields``)."""
    return {
        name: value
        for name, value in create_args.items()
        if value is not None and name not in extra_fields
    }


def _chat_transport(
    root: str,
    model: str,
    key: str | None,
    route: ProviderRoute | None,
    limits: HttpLimits,
    retry: RetryPolicy,
) -> Transport:
    """The transport to ``<root>/chat/completions``, with ``key`` kept out of errors."""
    variable = route.key_variable if route else "OPENAI_API_KEY"
    return Transport(
        root,
        root + "/chat/completions",
        model,
        limits,
        retry,
        Redactor(key),
        f"api_key= or the {variable} environment variable",
    )


class BaseOpenAIChatCompletionClient(HttpChatClient):
    """The request machinery of the OpenAI client, under AutoGen's name.

    :class:`OpenAIChatCompletionClient` is the client to use. This class exists so code
    written against AutoGen's ``BaseOpenAIChatCompletionClient`` ports by the rename: type
    hints and ``isinstance`` checks hold, and a subclass that hands it an openai SDK client
    works, because the endpoint, key, organization, project, retries and headers are read
    from that object (requests are made by agentparts, not by the SDK).

    Args:
        client: An object with an openai SDK client's settings (``base_url``, ``api_key``,
            and optionally ``organization``, ``project``, ``max_retries``, ``timeout``).
        create_args: Request fields; ``model`` is required.
        model_capabilities: Deprecated AutoGen form of ``model_info``.
        model_info: What the model can do (required for models agentparts does not know).
        add_name_prefixes: Start each user message text with ``"<source> said:"``.
        include_name_in_message: Send message sources as the ``name`` field.

    Raises:
        ValueError: ``create_args`` has no ``model``.
    """

    def __init__(
        self,
        client: Any,
        *,
        create_args: Mapping[str, Any],
        model_capabilities: ModelCapabilities | None = None,
        model_info: ModelInfo | None = None,
        add_name_prefixes: bool = False,
        include_name_in_message: bool = True,
    ) -> None:
        args = dict(create_args)
        model = args.pop("model", None)
        if not isinstance(model, str):
            raise ValueError("create_args must hold the model name: create_args={'model': ...}.")
        self._setup(
            model,
            model_info=model_info,
            model_capabilities=model_capabilities,
            add_name_prefixes=add_name_prefixes,
            include_name_in_message=include_name_in_message,
            **_sdk_settings(client),
            **args,
        )

    def _setup(
        self,
        model: str,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        model_info: ModelInfo | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        stream_idle_timeout: float | None = None,
        stream_timeout: float = DEFAULT_STREAM_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_retries: int = 2,
        retry_initial_delay: float = 0.5,
        retry_max_delay: float = 8.0,
        max_connections: int = 100,
        default_headers: Mapping[str, str] | None = None,
        include_name_in_message: bool = True,
        add_name_prefixes: bool = False,
        stream_usage: bool = True,
        stream_options: Mapping[str, Any] | None = None,
        model_capabilities: ModelCapabilities | None = None,
        **create_args: Any,
    ) -> None:
        from ..._secrets import EnvSecretStr

        extra_fields = _check_create_args(create_args, type(self))
        limits = http_limits(
            timeout, stream_idle_timeout, stream_timeout, max_response_bytes, max_event_bytes
        )
        route = provider_route(model) if base_url is None else None
        env_base_url = _env("OPENAI_BASE_URL") if base_url is None and route is None else None
        secret = _api_key(api_key, bool(base_url or env_base_url), route, model)
        model_info = given_model_info(model_info, model_capabilities)
        # Validated when the client is saved: building the config's validator at every
        # client start would cost more memory than the client itself.
        self._config_values: dict[str, Any] = dict(
            model=model,
            # A key read from the routed provider's variable is not saved: loading reads
            # the variable again by the same rule (declared by _capabilities).
            api_key=None if route is not None and isinstance(secret, EnvSecretStr) else secret,
            base_url=base_url,
            organization=organization,
            project=project,
            model_info=dict(model_info) if model_info is not None else None,
            timeout=limits.timeout,  # None (AutoGen's "no timeout") saved as the default
            stream_idle_timeout=stream_idle_timeout,
            stream_timeout=stream_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_retries=max_retries,
            retry_initial_delay=retry_initial_delay,
            retry_max_delay=retry_max_delay,
            max_connections=max_connections,
            default_headers=dict(default_headers) if default_headers else None,
            include_name_in_message=include_name_in_message,
            add_name_prefixes=add_name_prefixes,
            stream_usage=stream_usage,
            stream_options=dict(stream_options) if stream_options else None,
            model_capabilities=model_capabilities,
            **create_args,
        )
        self._model = model
        self._model_info = resolve_model_info(model, model_info)
        self._create_args = _sent_create_args(create_args, extra_fields)
        self._include_name = include_name_in_message
        self._name_prefixes = add_name_prefixes
        self._stream_options: dict[str, Any] = {"include_usage": True} if stream_usage else {}
        self._stream_options.update(stream_options or {})
        if route is None:  # OpenAI's own headers never go to another provider
            organization = organization if organization is not None else _env("OPENAI_ORG_ID")
            project = project if project is not None else _env("OPENAI_PROJECT_ID")
        key = secret.get_secret_value() if secret is not None else None
        self._headers = _headers(key, organization, project, default_headers)
        root = base_url or (route and route.base_url) or env_base_url or OPENAI_BASE_URL
        retry = RetryPolicy(max_retries, retry_initial_delay, retry_max_delay)
        transport = _chat_transport(root.rstrip("/"), model, key, route, limits, retry)
        self._connect(transport, self._headers, max_connections)

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
    ) -> dict[str, Any]:
        from ._messages import messages_to_wire, response_format, tool_choice_to_wire, tools_to_wire

        info = self._model_info
        body: dict[str, Any] = {
            "model": self._model,
            "messages": messages_to_wire(messages, info, self._include_name, self._name_prefixes),
        }
        body.update(self._create_args)
        if tools:
            self._check_tools_allowed()
            body["tools"] = tools_to_wire(tools)
            choice = tool_choice_to_wire(tool_choice, tools)
            if choice is not None:
                body["tool_choice"] = choice
        if json_output is not None and json_output is not False:
            needed = "json_output" if json_output is True else "structured_output"
            if not info.get(needed):
                raise ModelCapabilityError(
                    f"Model {self._model!r} does not support "
                    f"{'JSON mode' if json_output is True else 'structured output'} "
                    f"(model_info[{needed!r}] is False)."
                )
            body["response_format"] = response_format(json_output)
        if extra_create_args:
            check_finite_numbers(extra_create_args, "extra_create_args")
            body.update(extra_create_args)
        if stream:
            body["stream"] = True
            if self._stream_options:
                body["stream_options"] = self._stream_options
        return body

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
        """Ask the model for one answer (see :meth:`ChatCompletionClient.create`).

        Raises:
            ModelClientError: A subclass saying what failed: authentication, unknown model,
                context too long, rate limit or server errors after retries, timeout,
                connection, or an invalid response.
        """
        from ._response import result_from_completion

        body = self._request(messages, tools, tool_choice, json_output, extra_create_args, False)
        with CancelScope(cancellation_token, whole_block=True):
            content = await self._post(body)
        data = decode_json(content, self.base_url)
        result = result_from_completion(data, self.base_url)
        if not data.get("usage"):
            result.usage = self._estimate_usage(body, result)
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
        include_usage: bool | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Stream one answer: text chunks, then one final :class:`CreateResult`.

        Reasoning (``reasoning_content`` or ``<think>`` tags) is not yielded as text; it
        is the final result's ``thought``. Usage is always reported: from the endpoint's
        usage chunk, or estimated when the endpoint sends none.

        Args:
            messages: The conversation so far.
            tools: Tools the model may call.
            tool_choice: ``"auto"``, ``"required"``, ``"none"`` or one tool to call.
            json_output: ``True`` for JSON mode, or a Pydantic model type.
            extra_create_args: Extra request fields.
            cancellation_token: Cancels the call and closes its connection.
            include_usage: Ask for the usage chunk (default: the client's ``stream_usage``).

        Raises:
            ModelStreamError: The stream broke or ended before it was complete.
        """
        from ._response import StreamAccumulator

        body = self._request(messages, tools, tool_choice, json_output, extra_create_args, True)
        if include_usage is not None:
            options = {**body.get("stream_options", {}), "include_usage": include_usage}
            body["stream_options"] = options
        accumulator = StreamAccumulator(self.base_url)
        with CancelScope(cancellation_token, whole_block=True):
            async with self._open_stream(body) as stream:
                async for data in stream.data():
                    if data == b"[DONE]":
                        accumulator.done = True
                        break
                    chunk: dict[str, Any] = decode_json(data, self.base_url)
                    if "error" in chunk:
                        raise self._stream_error(chunk["error"])
                    text = accumulator.add(chunk)
                    if text:
                        yield text
            text = accumulator.flush()
            if text:
                yield text
        if not accumulator.done and accumulator.finish_reason is None:
            raise ModelStreamError(
                f"The response stream from {self.base_url} ended before it was complete "
                f"(after {accumulator.chunks} chunks, no finish reason). Retry the call."
            )
        result = accumulator.result()
        if accumulator.usage is None:
            result.usage = self._estimate_usage(body, result)
        yield self._streamed(result)

    def _stream_error(self, error: Any) -> ModelStreamError:
        text = self._transport.redact(str(error))
        if len(text) > 300:
            text = text[:300] + "..."
        return ModelStreamError(
            f"{self.base_url} reported an error in the middle of the stream: {text}. Retry "
            "the call."
        )

    def _estimate_usage(self, body: dict[str, Any], result: CreateResult) -> RequestUsage:
        from .._types import RequestUsage

        prompt = count_wire_tokens(self._model, body["messages"], body.get("tools", ()))
        if isinstance(result.content, str):
            output = [{"content": result.content}]
        else:
            output = [{"tool_calls": [c.arguments for c in result.content]}]
        completion = count_wire_tokens(self._model, output) - 6
        return RequestUsage(prompt_tokens=prompt, completion_tokens=max(0, completion))

    # --- tokens ----------------------------------------------------------------------

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Prompt tokens of ``messages`` and ``tools``, counted offline."""
        from ._messages import messages_to_wire, tools_to_wire

        info = self._counting_info()
        wire = messages_to_wire(messages, info, self._include_name, self._name_prefixes)
        return count_wire_tokens(self._model, wire, tools_to_wire(tools))


class OpenAIChatCompletionClient(BaseOpenAIChatCompletionClient, Component["OpenAIClientConfig"]):
    """A model client for OpenAI or any OpenAI-compatible Chat Completions endpoint.

    Works with vLLM, Ollama, llama.cpp server, LM Studio, Azure OpenAI's v1 API and others
    through ``base_url``. Built directly on httpx, with its own (sharded) connection pools.

    Args:
        model: The model name sent to the endpoint.
        api_key: The API key. Default: the ``OPENAI_API_KEY`` environment variable, saved
            as a reference to that variable, never as its value. Endpoints without
            authentication (a local server given by ``base_url``) need none.
        base_url: The API root, e.g. ``http://localhost:11434/v1``. Default: OpenAI.
        organization: The OpenAI organization header.
        model_info: What the model can do. Required for models agentparts does not know;
            ``context_window`` in it makes ``remaining_tokens`` work.
        timeout: Seconds one request may take in all, from sending it to the last byte of
            the answer (for a streamed answer: to its first byte), per attempt. ``None``
            (AutoGen's "no timeout") means the default, 60: nothing waits without bound.
        stream_idle_timeout: Seconds a streamed answer may go without an event (default:
            ``timeout``); the caller's own time between chunks does not count.
        stream_timeout: Seconds a whole streamed answer may take, request and the caller's
            time between chunks included.
        max_response_bytes: The largest answer, whole or streamed, in bytes (default
            32 MiB); a larger one is dropped with a ``ModelResponseError``.
        max_event_bytes: The largest line of a streamed answer (one event), in bytes
            (default 4 MiB).
        max_retries: Retries on timeouts, connection errors and the statuses 408, 409,
            429, 500, 502, 503, 504, 520-524 and 529 (not on 501 or other statuses).
        retry_initial_delay: The first backoff in seconds; it doubles per retry, with
            jitter. A ``Retry-After`` header of up to 60 s is honoured instead.
        retry_max_delay: The largest backoff in seconds.
        max_connections: Requests in flight at once (each on its own connection); later
            calls wait their turn, first come, first served. Raise it for endpoints that
            serve more requests at once than the default 100.
        default_headers: Extra headers sent with every request.
        include_name_in_message: Send message sources as the ``name`` field.
        add_name_prefixes: Start each user message text with ``"<source> said:"``.
        stream_usage: Ask for a usage chunk when streaming (``stream_options``).
        stream_options: More ``stream_options`` fields for streamed requests.
        model_capabilities: Deprecated AutoGen form of ``model_info`` (accepted so AutoGen
            configs load).
        **create_args: Default request fields: ``temperature``, ``top_p``, ``max_tokens``,
            ``max_completion_tokens``, ``stop``, ``seed``, ``frequency_penalty``,
            ``presence_penalty``, ``user``, ``parallel_tool_calls``, ``reasoning_effort``,
            ``logprobs``, ``top_logprobs``, ``logit_bias``, ``n``, ``response_format``.

    Raises:
        ModelInfoRequiredError: The model is unknown and no ``model_info`` was given.
        ModelAuthenticationError: No API key for the OpenAI endpoint.
        ValueError: A request field is NaN or infinite, or a limit is not a finite
            positive number.

    Example:
        >>> client = OpenAIChatCompletionClient(  # doctest: +SKIP
        ...     model="llama3.2", base_url="http://localhost:11434/v1",
        ...     model_info={"vision": False, "function_calling": True, "json_output": True,
        ...                 "family": "llama", "structured_output": True})
    """

    component_config_schema = imported_on_read(
        "agentparts.models.openai._config", "OpenAIClientConfig"
    )
    component_provider_override = "agentparts.models.openai.OpenAIChatCompletionClient"

    def __init__(
        self,
        model: str,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        model_info: ModelInfo | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        stream_idle_timeout: float | None = None,
        stream_timeout: float = DEFAULT_STREAM_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_retries: int = 2,
        retry_initial_delay: float = 0.5,
        retry_max_delay: float = 8.0,
        max_connections: int = 100,
        default_headers: Mapping[str, str] | None = None,
        include_name_in_message: bool = True,
        add_name_prefixes: bool = False,
        stream_usage: bool = True,
        stream_options: Mapping[str, Any] | None = None,
        model_capabilities: ModelCapabilities | None = None,
        **create_args: Any,
    ) -> None:
        self._setup(
            model,
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            model_info=model_info,
            timeout=timeout,
            stream_idle_timeout=stream_idle_timeout,
            stream_timeout=stream_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_retries=max_retries,
            retry_initial_delay=retry_initial_delay,
            retry_max_delay=retry_max_delay,
            max_connections=max_connections,
            default_headers=default_headers,
            include_name_in_message=include_name_in_message,
            add_name_prefixes=add_name_prefixes,
            stream_usage=stream_usage,
            stream_options=stream_options,
            model_capabilities=model_capabilities,
            **create_args,
        )

    # --- component -------------------------------------------------------------------

    def _to_config(self) -> OpenAIClientConfig:
        schema: Any = type(self).component_config_schema
        return schema.model_validate(self._config_values)

    @classmethod
    def _from_config(cls, config: OpenAIClientConfig) -> Self:
        # Only the fields the config sets, and none that is None (AutoGen's exclude_none):
        # subclasses test ``"model_info" not in kwargs``.
        values: dict[str, Any] = {}
        for name in type(config).model_fields:
            value = getattr(config, name)
            if value is not None and name in config.model_fields_set:
                values[name] = ModelInfo(**value) if name == "model_info" else value
        values.setdefault("model", config.model)
        return cls(**values)

    component_env_vars = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID")

    @classmethod
    def _capabilities(cls, config: OpenAIClientConfig) -> list[Capability]:
        from ..._capabilities import env_read, network

        route = provider_route(config.model) if config.base_url is None else None
        if config.base_url is not None:
            found = [network(config.base_url, "OpenAI-compatible model API")]
        elif route is not None:
            found = [network(route.base_url, f"{route.provider}'s OpenAI-compatible API")]
        else:
            found = [
                network(OPENAI_BASE_URL, "OpenAI (or the endpoint in OPENAI_BASE_URL)"),
                env_read("OPENAI_BASE_URL", "the API root", only_if_set=True),
            ]
        if config.api_key is None:  # the client falls back to the variable, if set
            variable = route.key_variable if route is not None else "OPENAI_API_KEY"
            found.append(env_read(variable, "the API key", only_if_set=True))
        if route is None:
            if config.organization is None:
                found.append(env_read("OPENAI_ORG_ID", "the organization", only_if_set=True))
            if config.project is None:
                found.append(env_read("OPENAI_PROJECT_ID", "the project", only_if_set=True))
        return found
