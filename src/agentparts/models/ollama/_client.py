"""``OllamaChatCompletionClient``: Ollama's native ``/api/chat``, on httpx."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self
from urllib.parse import urlsplit

import httpx

from ..._cancellation_token import CancellationToken, CancelScope
from ..._component import Component
from ..._constants import EVENT_LOGGER_NAME
from ..._lazy import imported_on_read
from ...errors import (
    ModelCapabilityError,
    ModelClientError,
    ModelConnectionError,
    ModelNotFoundError,
    ModelStreamError,
)
from .._http import (
    HttpChatClient,
    HttpLimits,
    NdjsonStream,
    Redactor,
    RetryPolicy,
    Transport,
    check_finite_numbers,
    decode_json,
    http_limits,
)
from .._http._body import error_text
from .._http._client import saved_values
from .._http._limits import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_STREAM_TIMEOUT,
)
from .._model_info import ModelCapabilities, ModelInfo
from ..openai._tokens import count_wire_tokens
from ._model_info import info_from_show, lookup_model, provisional_info

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..._capabilities import Capability
    from ...tools import Tool, ToolSchema
    from .._types import CreateResult, LLMMessage, RequestUsage
    from ._config import OllamaClientConfig
    from ._response import OllamaTurn

__all__ = ["OllamaChatCompletionClient"]

DEFAULT_HOST = "http://127.0.0.1:11434"
HOST_VARIABLE = "OLLAMA_HOST"
_events = logging.getLogger(EVENT_LOGGER_NAME)
_CREATE_ARG_NAMES = ("format", "options", "keep_alive", "think")
_SECRET_HEADER_HINTS = ("auth", "key", "token", "cookie")


def normalize_host(host: str | None) -> str:
    """``host`` as a URL: a scheme and Ollama's port are added when missing
    (``"gpu-box"`` → ``"http://gpu-box:11434"``). Default: ``OLLAMA_HOST``, else local."""
    raw = (host or os.environ.get(HOST_VARIABLE) or DEFAULT_HOST).strip().rstrip("/")
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    netloc = parts.netloc
    if parts.port is None and parts.scheme == "http" and not parts.path:
        netloc = f"{netloc}:11434"
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


def _format_schema(
    response_format: type[BaseModel] | dict[str, Any] | None,
) -> dict[str, Any] | None:
    """AutoGen's ``response_format`` as the JSON schema Ollama's ``format`` takes."""
    if isinstance(response_format, type):
        return response_format.model_json_schema()
    if response_format is not None and not isinstance(response_format, dict):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(
            "response_format must be a Pydantic model type or its JSON schema (a dict); "
            "prefer json_output= per call."
        )
    return response_format


def _info_from_capabilities(capabilities: ModelCapabilities) -> ModelInfo:
    """The :class:`ModelInfo` of AutoGen's deprecated ``model_capabilities``."""
    return ModelInfo(
        vision=capabilities["vision"],
        function_calling=capabilities["function_calling"],
        json_output=capabilities["json_output"],
        family="unknown",
        structured_output=capabilities["json_output"],
    )


def _request_defaults(
    options: Mapping[str, Any] | None,
    keep_alive: str | float | None,
    think: bool | str | None,
    format: str | dict[str, Any] | None,
) -> dict[str, Any]:
    """The fields the client adds to every request (those given)."""
    defaults: dict[str, Any] = {}
    if options:
        defaults["options"] = dict(options)
    if keep_alive is not None:
        defaults["keep_alive"] = keep_alive
    if think is not None:
        defaults["think"] = think
    if format is not None:
        defaults["format"] = format
    return defaults


class _OllamaTransport(Transport):
    """A :class:`Transport` whose 404 says how to pull the model."""

    __slots__ = ()

    def status_error(
        self, status: int, body: bytes, response: httpx.Response, attempts: int
    ) -> ModelClientError:
        if status != 404:
            return super().status_error(status, body, response, attempts)
        message = self.redact(error_text(body, response.reason_phrase or "not found"))
        return ModelNotFoundError(
            f"Model {self.model!r} is not available on the Ollama server at {self.base_url} "
            f"(HTTP 404: {message}) Pull it first: `ollama pull {self.model}` (or check "
            "that host points to an Ollama server)."
        )


class OllamaChatCompletionClient(HttpChatClient, Component["OllamaClientConfig"]):
    """A model client for Ollama's native chat API (``/api/chat``), local or remote.

    Unlike Ollama's OpenAI-compatible endpoint, the native API keeps ``format`` (JSON mode
    and JSON-schema structured output), ``options`` (``num_ctx``, ``temperature``...),
    ``keep_alive`` and ``think``. Usage comes from ``prompt_eval_count`` and
    ``eval_count``, streamed or not. Streamed tool calls arrive whole.

    What the model can do comes from ``model_info``, else a table of common local models
    (llama3.x, qwen2.5/3, mistral, gemma3, phi4, deepseek-r1, gpt-oss, llava...), else the
    server: the first call reads ``/api/show`` (its ``capabilities`` and context length),
    so an unknown local model needs no ``model_info``.

    Args:
        model: The model name with its tag, e.g. ``"llama3.2"`` or ``"qwen3:8b"``.
        host: The server, e.g. ``"http://gpu-box:11434"`` (default: the ``OLLAMA_HOST``
            environment variable, else ``http://127.0.0.1:11434``); a scheme and the
            port 11434 are added when missing.
        model_info: What the model can do (default: see above).
        options: Model options sent with every request (``temperature``, ``num_ctx``,
            ``seed``, ``num_predict``, ``stop``...).
        keep_alive: How long the server keeps the model loaded after a request
            (``"5m"``, seconds, ``0`` to unload, ``-1`` forever).
        think: Ask a thinking model to reason first (``True``, or ``"low"``/``"medium"``/
            ``"high"`` for gpt-oss); the reasoning is the result's ``thought``.
        format: A default ``format``: ``"json"`` or a JSON schema.
        response_format: AutoGen's older form of structured output: a Pydantic model
            type (or its JSON schema), sent as ``format``.
        headers: Extra headers for every request (e.g. ``Authorization`` for a server
            behind a proxy; values of headers named like a key are kept out of errors).
        timeout: Seconds one request may take in all (default 60; a model that must
            load first may need more).
        follow_redirects: Accepted for AutoGen configs; redirects are not followed.
        model_capabilities: Deprecated AutoGen form of ``model_info``.
        stream_idle_timeout, stream_timeout, max_response_bytes, max_event_bytes,
        max_retries, retry_initial_delay, retry_max_delay, max_connections: As for
            :class:`~agentparts.models.openai.OpenAIChatCompletionClient`.

    Raises:
        ValueError: A limit or option is not a finite number.

    Example:
        >>> client = OllamaChatCompletionClient("llama3.2", options={"num_ctx": 8192})
        >>> client.model_info["function_calling"]
        True
    """

    component_config_schema = imported_on_read(
        "agentparts.models.ollama._config", "OllamaClientConfig"
    )
    component_provider_override = "agentparts.models.ollama.OllamaChatCompletionClient"
    component_env_vars = (HOST_VARIABLE,)

    def __init__(
        self,
        model: str,
        *,
        host: str | None = None,
        model_info: ModelInfo | None = None,
        options: Mapping[str, Any] | None = None,
        keep_alive: str | float | None = None,
        think: bool | Literal["low", "medium", "high"] | None = None,
        format: str | dict[str, Any] | None = None,
        response_format: type[BaseModel] | dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        follow_redirects: bool = True,
        model_capabilities: ModelCapabilities | None = None,
        stream_idle_timeout: float | None = None,
        stream_timeout: float = DEFAULT_STREAM_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_retries: int = 2,
        retry_initial_delay: float = 0.5,
        retry_max_delay: float = 8.0,
        max_connections: int = 100,
    ) -> None:
        limits = http_limits(
            timeout, stream_idle_timeout, stream_timeout, max_response_bytes, max_event_bytes
        )
        if options:
            check_finite_numbers(options, "options")
        response_format = _format_schema(response_format)
        if model_info is None and model_capabilities is not None:
            model_info = _info_from_capabilities(model_capabilities)
        self._config_values: dict[str, Any] = dict(
            model=model,
            host=host,
            response_format=response_format,
            follow_redirects=follow_redirects,
            timeout=timeout,
            headers=dict(headers) if headers else None,
            model_capabilities=model_capabilities,
            model_info=dict(model_info) if model_info is not None else None,
            options=dict(options) if options else None,
            keep_alive=keep_alive,
            think=think,
            format=format,
            stream_idle_timeout=stream_idle_timeout,
            stream_timeout=stream_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_retries=max_retries,
            retry_initial_delay=retry_initial_delay,
            retry_max_delay=retry_max_delay,
            max_connections=max_connections,
        )
        self._model = model
        known = model_info if model_info is not None else lookup_model(model)
        self._info_known = known is not None
        self._model_info: ModelInfo = known if known is not None else provisional_info()
        self._defaults = _request_defaults(
            options, keep_alive, think, format if format is not None else response_format
        )
        retry = RetryPolicy(max_retries, retry_initial_delay, retry_max_delay)
        self._open(normalize_host(host), headers, limits, retry, max_connections)

    def _open(
        self,
        root: str,
        headers: Mapping[str, str] | None,
        limits: HttpLimits,
        retry: RetryPolicy,
        max_connections: int,
    ) -> None:
        """Connect to ``/api/chat`` (and ``/api/show``) at ``root`` with ``headers``; values
        of headers named like a secret are kept out of errors."""
        sent = {"content-type": "application/json", "accept": "application/json"}
        sent.update(headers or {})
        secrets = [v for k, v in sent.items() if any(h in k.lower() for h in _SECRET_HEADER_HINTS)]
        hint = "the headers= given to the client (Ollama itself needs no key)"
        redact = Redactor(*secrets)
        model = self._model
        transport = _OllamaTransport(
            root, root + "/api/chat", model, limits, retry, redact, hint, stream_type=NdjsonStream
        )
        self._show = _OllamaTransport(root, root + "/api/show", model, limits, retry, redact, hint)
        self._connect(transport, sent, max_connections)

    @property
    def host(self) -> str:
        """The server requests go to."""
        return self._transport.base_url

    # --- errors ----------------------------------------------------------------------

    def _explain(self, error: ModelConnectionError) -> ModelClientError:
        """A connection error as Ollama users need it (a 404 already says to pull)."""
        return ModelConnectionError(
            f"Ollama is not running at {self.host}, or cannot be reached ({error}). "
            f"Start it with `ollama serve` (or the Ollama app), or pass host= (or set "
            f"{HOST_VARIABLE}) to the server's address."
        )

    async def fetch_model_info(self) -> ModelInfo:
        """Ask the server (``/api/show``) what the model can do, and keep the answer.

        Raises:
            ModelNotFoundError: The model is not pulled (the message says `ollama pull`).
            ModelConnectionError: Ollama is not running at the host.
        """
        content = await self._post({"model": self._model}, self._show)
        self._model_info = info_from_show(decode_json(content, self.host))
        self._info_known = True
        return self._model_info

    # --- requests --------------------------------------------------------------------

    async def _request(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Tool | Literal["auto", "required", "none"],
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
        stream: bool,
    ) -> dict[str, Any]:
        from ._wire import format_for, messages_to_ollama, tools_for

        unknown = sorted(set(extra_create_args) - set(_CREATE_ARG_NAMES))
        if unknown:
            raise TypeError(
                f"OllamaChatCompletionClient got unknown extra_create_args {', '.join(unknown)}"
                f". Fields it sends: {', '.join(_CREATE_ARG_NAMES)} (model options such as "
                "temperature go inside options=)."
            )
        check_finite_numbers(extra_create_args, "extra_create_args")
        if not self._info_known:
            await self.fetch_model_info()
        info = self._model_info
        body: dict[str, Any] = {
            "model": self._model,
            "messages": messages_to_ollama(messages, info),
            "stream": stream,
        }
        wire_tools = tools_for(tools, tool_choice)
        if wire_tools:
            if not info["function_calling"]:
                raise ModelCapabilityError(
                    f"Model {self._model!r} cannot call tools (Ollama does not list 'tools' "
                    "among its capabilities; model_info['function_calling'] is False). Use a "
                    "model that can (e.g. llama3.2, qwen3), or set model_info if it can."
                )
            body["tools"] = wire_tools
        body.update(self._defaults)
        wanted = format_for(json_output)
        if wanted is not None:
            needed = "json_output" if json_output is True else "structured_output"
            if not info.get(needed, True):
                raise ModelCapabilityError(
                    f"Model {self._model!r} does not support {needed} (model_info)."
                )
            body["format"] = wanted
        for name, value in extra_create_args.items():
            if name == "options" and isinstance(value, Mapping):
                body["options"] = {**body.get("options", {}), **value}
            else:
                body[name] = value
        return body

    def _usage(self, turn: OllamaTurn, body: dict[str, Any], result: CreateResult) -> RequestUsage:
        from .._types import RequestUsage

        prompt = turn.prompt_eval_count
        if prompt is None:  # Ollama leaves it out when the whole prompt was cached
            prompt = count_wire_tokens(self._model, body["messages"], body.get("tools", ()))
        completion = turn.eval_count
        if completion is None:
            text = result.content if isinstance(result.content, str) else str(result.content)
            completion = count_wire_tokens(self._model, [{"content": text}]) - 6
        return RequestUsage(prompt_tokens=prompt, completion_tokens=max(0, completion))

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
            ModelNotFoundError: The model is not pulled (the message says `ollama pull`).
            ModelConnectionError: Ollama is not running at the host.
            ModelClientError: Another failure (timeout, server error after retries...).
        """
        from .._types import RequestUsage
        from ._response import OllamaTurn

        with CancelScope(cancellation_token, whole_block=True):
            body = await self._request(
                messages, tools, tool_choice, json_output, extra_create_args, False
            )
            content = await self._post(body)
        data = decode_json(content, self.host)
        if "error" in data:
            raise self._answer_error(data["error"], ModelClientError)
        turn = OllamaTurn(self.host)
        turn.add(data)
        turn.flush()
        result = turn.result(RequestUsage(0, 0))
        result.usage = self._usage(turn, body, result)
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
        """Stream one answer: text chunks, then one final :class:`CreateResult` whose usage
        is Ollama's own count (the same as without streaming).

        Raises:
            ModelStreamError: The stream broke, reported an error, or ended early.
        """
        from .._types import RequestUsage
        from ._response import OllamaTurn

        with CancelScope(cancellation_token, whole_block=True):
            body = await self._request(
                messages, tools, tool_choice, json_output, extra_create_args, True
            )
            turn = OllamaTurn(self.host)
            async with self._open_stream(body) as stream:
                async for line in stream.data():
                    if turn.done:
                        continue  # read to the end, so the connection is reused
                    chunk = decode_json(line, self.host)
                    if "error" in chunk:
                        raise self._answer_error(chunk["error"], ModelStreamError)
                    text = turn.add(chunk)
                    if text:
                        yield text
            text = turn.flush()
            if text:
                yield text
        if not turn.done:
            raise ModelStreamError(
                f"The response stream from {self.host} ended before it was complete (after "
                f"{turn.chunks} lines, no final 'done' line). Retry the call."
            )
        result = turn.result(RequestUsage(0, 0))
        result.usage = self._usage(turn, body, result)
        yield self._streamed(result)

    def _answer_error(self, error: Any, kind: type[ModelClientError]) -> ModelClientError:
        text = self._transport.redact(str(error))[:300]
        return kind(f"The Ollama server at {self.host} reported an error: {text}. Retry the call.")

    # --- tokens ----------------------------------------------------------------------

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Prompt tokens of ``messages`` and ``tools``: an estimate (cl100k), since local
        models each have their own tokenizer and Ollama has no offline counting."""
        from ..openai._messages import tools_to_wire
        from ._wire import messages_to_ollama

        wire = messages_to_ollama(messages, self._counting_info())
        for message in wire:
            images = message.pop("images", None)
            if images:
                message["content"] = [{"type": "text", "text": message["content"]}] + [
                    {"type": "image"} for _ in images
                ]
        return count_wire_tokens(self._model, wire, tools_to_wire(tools))

    # --- component -------------------------------------------------------------------

    def _to_config(self) -> OllamaClientConfig:
        from ._config import OllamaClientConfig

        return OllamaClientConfig.model_validate(self._config_values)

    @classmethod
    def _from_config(cls, config: OllamaClientConfig) -> Self:
        values = saved_values(config)
        return cls(values.pop("model"), **values)

    @classmethod
    def _capabilities(cls, config: OllamaClientConfig) -> list[Capability]:
        from ..._capabilities import env_read, network

        found = [network(normalize_host(config.host), "Ollama server")]
        if config.host is None:
            found.append(env_read(HOST_VARIABLE, "the Ollama server", only_if_set=True))
        return found
