"""``HttpChatCompletionClient``: the guide's ``MyModelClient`` with its API calls written.

It talks to any OpenAI-compatible ``/chat/completions`` endpoint with httpx: plain and
streamed answers, tool calls, usage (also when streaming), cancellation, and errors that
say what to do.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal, Self, cast

import httpx
from pydantic import BaseModel, Field, SecretStr

from agentparts import (
    EVENT_LOGGER_NAME,
    TRACE_LOGGER_NAME,
    CancellationToken,
    Component,
    FunctionCall,
)
from agentparts.errors import (
    ModelAuthenticationError,
    ModelClientError,
    ModelConnectionError,
    ModelNotFoundError,
    ModelRateLimitError,
    ModelResponseError,
    ModelServerError,
    ModelStreamError,
    ModelTimeoutError,
)
from agentparts.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FinishReasons,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from agentparts.tools import Tool, ToolSchema

__all__ = ["HttpChatCompletionClient", "HttpClientConfig", "convert_messages"]

logger = logging.getLogger(EVENT_LOGGER_NAME)
trace_logger = logging.getLogger(TRACE_LOGGER_NAME)

_FINISH_REASONS: dict[str, FinishReasons] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "function_calls",
    "function_call": "function_calls",
    "content_filter": "content_filter",
}


class HttpClientConfig(BaseModel):
    """Configuration of :class:`HttpChatCompletionClient`."""

    model: str
    api_key: SecretStr | None = None
    base_url: str = "https://api.openai.com/v1"
    temperature: float = Field(default=0.7, ge=0, le=2)
    max_tokens: int = Field(default=1024, gt=0)
    timeout: float = Field(default=60.0, gt=0, le=600)
    context_window: int = Field(default=8192, gt=0)


class HttpChatCompletionClient(ChatCompletionClient, Component[HttpClientConfig]):
    """A model client for any OpenAI-compatible chat completions endpoint.

    Args:
        model: The model name the endpoint serves.
        api_key: The API key, sent as a bearer token (none for local servers).
        base_url: The endpoint, e.g. ``http://127.0.0.1:8000/v1``.
        temperature: Sampling temperature.
        max_tokens: The most tokens an answer may have.
        timeout: Seconds to wait for the endpoint.
        context_window: The model's context length in tokens, for ``remaining_tokens``.

    Example:
        >>> client = HttpChatCompletionClient("my-model", base_url="http://127.0.0.1:8000/v1")
        >>> client.model
        'my-model'
    """

    component_config_schema = HttpClientConfig
    component_provider_override = "agentparts_example.models.HttpChatCompletionClient"

    def __init__(
        self,
        model: str,
        api_key: str | SecretStr | None = None,
        base_url: str = "https://api.openai.com/v1",
        temperature: float = 0.7,
        max_tokens: int = 1024,
        timeout: float = 60.0,
        context_window: int = 8192,
    ) -> None:
        self._model = model
        self._api_key = SecretStr(api_key) if isinstance(api_key, str) else api_key
        self._base_url = base_url.rstrip("/")
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._timeout = timeout
        self._context_window = context_window
        self._http: httpx.AsyncClient | None = None

    # --- the interface ------------------------------------------------------------------

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
        """Generate a completion (see :meth:`ChatCompletionClient.create`)."""
        body = self._body(messages, tools, tool_choice, json_output, extra_create_args)
        logger.info("Creating completion with %d messages", len(messages))
        trace_logger.debug("Request body: %s", body)
        call = asyncio.ensure_future(self._post(body))
        if cancellation_token is not None:
            cancellation_token.link_future(call)
        response = await call
        result = _parse_completion(response)
        self._record_usage(result.usage)
        logger.info("Completion created: %s", result.usage)
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
        """Generate a streamed completion: text chunks, then one final ``CreateResult``."""
        body = self._body(messages, tools, tool_choice, json_output, extra_create_args)
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
        token = cancellation_token or CancellationToken()
        _raise_if_cancelled(token)
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        finish: str | None = None
        usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        async for chunk in self._stream(body, token):
            if isinstance(chunk.get("usage"), dict):
                usage = _usage(_obj(chunk["usage"]))
            for choice in map(_obj, _items(chunk.get("choices"))):
                delta = _obj(choice.get("delta"))
                content = delta.get("content")
                if isinstance(content, str) and content:
                    text.append(content)
                    yield content
                for call in map(_obj, _items(delta.get("tool_calls"))):
                    slot = calls.setdefault(
                        int(call.get("index") or 0), {"id": "", "name": "", "arguments": ""}
                    )
                    function = _obj(call.get("function"))
                    slot["id"] = str(call.get("id") or slot["id"])
                    slot["name"] += str(function.get("name") or "")
                    slot["arguments"] += str(function.get("arguments") or "")
                finish = str(choice.get("finish_reason") or "") or finish
        if finish is None:
            raise ModelStreamError(
                f"The stream from {self._base_url} ended without a finish reason: the "
                "connection was probably cut. Retry the request."
            )
        function_calls = [
            FunctionCall(id=c["id"], name=c["name"], arguments=c["arguments"] or "{}")
            for _, c in sorted(calls.items())
        ]
        result = CreateResult(
            finish_reason=_FINISH_REASONS.get(finish, "unknown"),
            content=function_calls if function_calls else "".join(text),
            thought="".join(text) if function_calls and text else None,
            usage=usage,
            cached=False,
        )
        self._record_usage(usage)
        yield result

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Estimate the prompt tokens: words plus a few per message and per tool."""
        words = sum(len(str(message.content).split()) + 3 for message in messages)
        for tool in tools:
            words += len(json.dumps(_tool_schema(tool)).split()) + 3
        return words

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Tokens left in the context window."""
        return self._context_window - self.count_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:
        """What the model can do."""
        return ModelCapabilities(vision=False, function_calling=True, json_output=True)

    @property
    def model_info(self) -> ModelInfo:
        """What the model can do, with its context window."""
        return ModelInfo(
            vision=False,
            function_calling=True,
            json_output=True,
            family="unknown",
            structured_output=True,
            context_window=self._context_window,
        )

    @property
    def model(self) -> str:
        """The model name."""
        return self._model

    async def close(self) -> None:
        """Close the HTTP connections."""
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    # --- config -------------------------------------------------------------------------

    def _to_config(self) -> HttpClientConfig:
        return HttpClientConfig(
            model=self._model,
            api_key=self._api_key,
            base_url=self._base_url,
            temperature=self._temperature,
            max_tokens=self._max_tokens,
            timeout=self._timeout,
            context_window=self._context_window,
        )

    @classmethod
    def _from_config(cls, config: HttpClientConfig) -> Self:
        return cls(
            model=config.model,
            api_key=config.api_key,
            base_url=config.base_url,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            timeout=config.timeout,
            context_window=config.context_window,
        )

    # --- HTTP ---------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            headers = {"Content-Type": "application/json"}
            if self._api_key is not None:
                headers["Authorization"] = f"Bearer {self._api_key.get_secret_value()}"
            self._http = httpx.AsyncClient(
                base_url=self._base_url, headers=headers, timeout=self._timeout
            )
        return self._http

    def _body(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Tool | Literal["auto", "required", "none"],
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model,
            "messages": convert_messages(messages),
            "temperature": self._temperature,
            "max_tokens": self._max_tokens,
        }
        if tools:
            body["tools"] = [_convert_tool(tool) for tool in tools]
            if isinstance(tool_choice, str):
                body["tool_choice"] = tool_choice
            else:
                body["tool_choice"] = {"type": "function", "function": {"name": tool_choice.name}}
        if json_output is True:
            body["response_format"] = {"type": "json_object"}
        elif isinstance(json_output, type):
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": json_output.__name__,
                    "schema": json_output.model_json_schema(),
                },
            }
        body.update(extra_create_args)
        return body

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._client().post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            raise self._timeout_error() from exc
        except httpx.TransportError as exc:
            raise self._connection_error(exc) from exc
        if response.status_code != 200:
            raise _status_error(response.status_code, response.text, self._model)
        try:
            data: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ModelResponseError(
                f"{self._base_url} answered with something that is not JSON. Check that "
                "base_url points at an OpenAI-compatible API (it usually ends in /v1)."
            ) from exc
        return data

    async def _stream(
        self, body: dict[str, Any], token: CancellationToken
    ) -> AsyncGenerator[dict[str, Any], None]:
        try:
            async with self._client().stream("POST", "/chat/completions", json=body) as response:
                if response.status_code != 200:
                    raise _status_error(
                        response.status_code, (await response.aread()).decode(), self._model
                    )
                async for line in response.aiter_lines():
                    _raise_if_cancelled(token)
                    if not line.startswith("data:"):
                        continue
                    data = line[len("data:") :].strip()
                    if data == "[DONE]":
                        return
                    try:
                        yield json.loads(data)
                    except json.JSONDecodeError as exc:
                        raise ModelStreamError(
                            f"{self._base_url} sent a stream event that is not JSON: {data[:80]!r}."
                        ) from exc
        except httpx.TimeoutException as exc:
            raise self._timeout_error() from exc
        except httpx.TransportError as exc:
            raise ModelStreamError(
                f"The stream from {self._base_url} broke off ({exc}). Retry the request."
            ) from exc

    def _timeout_error(self) -> ModelTimeoutError:
        return ModelTimeoutError(
            f"The request to {self._base_url} timed out after {self._timeout} s. "
            "Consider increasing the timeout value."
        )

    def _connection_error(self, exc: Exception) -> ModelConnectionError:
        return ModelConnectionError(
            f"Failed to connect to {self._base_url}: {exc}. Check your network connection "
            "and the base_url."
        )


def _raise_if_cancelled(token: CancellationToken) -> None:
    if token.is_cancelled():
        raise asyncio.CancelledError("the cancellation token was cancelled")


def _status_error(status: int, text: str, model: str) -> ModelClientError:
    try:
        message = str(json.loads(text)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = text[:200]
    if status in (401, 403):
        return ModelAuthenticationError(
            f"The endpoint refused the API key ({status}: {message}). Check api_key."
        )
    if status == 404:
        return ModelNotFoundError(
            f"The endpoint does not serve model {model!r} ({message}). Check the model name."
        )
    if status == 429:
        return ModelRateLimitError(f"Rate limited ({message}). Wait and retry, or slow down.")
    if status >= 500:
        return ModelServerError(f"The endpoint failed ({status}: {message}). Retry later.")
    return ModelResponseError(f"The endpoint refused the request ({status}: {message}).")


def convert_messages(messages: Sequence[LLMMessage]) -> list[dict[str, Any]]:
    """Convert agentparts messages to the OpenAI chat format (the guide's converter, fixed).

    Args:
        messages: The conversation.

    Returns:
        One dict per wire message; each tool result becomes its own ``tool`` message.
    """
    result: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            result.append({"role": "system", "content": message.content})
        elif isinstance(message, UserMessage):
            if isinstance(message.content, str):
                result.append({"role": "user", "content": message.content})
            else:
                parts = [part for part in message.content if isinstance(part, str)]
                result.append({"role": "user", "content": "\n".join(parts)})
        elif isinstance(message, AssistantMessage):
            if message.function_calls:
                result.append(
                    {
                        "role": "assistant",
                        "content": message.thought,
                        "tool_calls": [
                            {
                                "id": call.id,
                                "type": "function",
                                "function": {"name": call.name, "arguments": call.arguments},
                            }
                            for call in message.function_calls
                        ],
                    }
                )
            else:
                result.append({"role": "assistant", "content": message.content})
        else:  # FunctionExecutionResultMessage: one "tool" message per result
            for item in message.content:
                result.append(
                    {"role": "tool", "tool_call_id": item.call_id, "content": item.content}
                )
    return result


def _tool_schema(tool: Tool | ToolSchema) -> ToolSchema:
    return tool if isinstance(tool, dict) else tool.schema


def _convert_tool(tool: Tool | ToolSchema) -> dict[str, Any]:
    schema = _tool_schema(tool)
    return {
        "type": "function",
        "function": {
            "name": schema["name"],
            "description": schema.get("description", ""),
            "parameters": schema.get("parameters", {"type": "object", "properties": {}}),
        },
    }


def _usage(raw: Mapping[str, Any]) -> RequestUsage:
    return RequestUsage(
        prompt_tokens=int(raw.get("prompt_tokens") or 0),
        completion_tokens=int(raw.get("completion_tokens") or 0),
    )


def _parse_completion(response: Mapping[str, Any]) -> CreateResult:
    try:
        choice: Mapping[str, Any] = response["choices"][0]
        message: Mapping[str, Any] = choice["message"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ModelResponseError(
            "The endpoint's answer has no choices[0].message: it does not speak the OpenAI "
            "chat completions format."
        ) from exc
    function_calls: list[FunctionCall] = []
    for call in map(_obj, _items(message.get("tool_calls"))):
        function = _obj(call.get("function"))
        function_calls.append(
            FunctionCall(
                id=str(call.get("id") or ""),
                name=str(function.get("name") or ""),
                arguments=str(function.get("arguments") or "{}"),
            )
        )
    text = str(message.get("content") or "")
    return CreateResult(
        finish_reason=_FINISH_REASONS.get(str(choice.get("finish_reason")), "unknown"),
        content=function_calls if function_calls else text,
        thought=text if function_calls and text else None,
        usage=_usage(_obj(response.get("usage"))),
        cached=False,
    )


def _obj(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (wire data is untrusted)."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def _items(value: object) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return cast("list[Any]", value) if isinstance(value, list) else []
