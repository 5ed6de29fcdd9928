"""HTTP for the OpenAI client: retries with backoff, error mapping, SSE parsing."""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
import time
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx

from ...errors import (
    ModelAuthenticationError,
    ModelClientError,
    ModelConnectionError,
    ModelContextLengthError,
    ModelNotFoundError,
    ModelRateLimitError,
    ModelRequestError,
    ModelResponseError,
    ModelServerError,
    ModelStreamError,
    ModelTimeoutError,
)

__all__ = [
    "RetryPolicy",
    "Transport",
    "decode_json",
    "iter_sse_data",
    "retry_after_seconds",
]

_RETRY_STATUSES = frozenset((408, 409, 429, 500, 502, 503, 504))
_KEY_LIKE = re.compile(r"(sk-|key-|Bearer\s+)[A-Za-z0-9_\-.*]{3,}")
_CONTEXT_HINTS = (
    "context_length_exceeded",
    "maximum context length",
    "context window",
    "too many tokens",
)


class RetryPolicy:
    """Exponential backoff with jitter; ``Retry-After`` wins when the server sends it.

    Args:
        max_retries: Retries after the first attempt.
        initial_delay: The first backoff, in seconds; it doubles per retry.
        max_delay: The largest backoff, in seconds.
    """

    __slots__ = ("initial_delay", "max_delay", "max_retries")

    def __init__(
        self, max_retries: int = 2, initial_delay: float = 0.5, max_delay: float = 8.0
    ) -> None:
        self.max_retries = max_retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None and 0 <= retry_after <= 60:
            return retry_after
        backoff = min(self.max_delay, self.initial_delay * (2**attempt))
        return backoff * (1 - 0.25 * random.random())


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The server's ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - time.time())


class Transport:
    """POSTs JSON to one endpoint with retries, and maps failures to agentparts errors."""

    def __init__(
        self, base_url: str, model: str, api_key: str | None, timeout: float, retry: RetryPolicy
    ) -> None:
        self.base_url = base_url
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self.retry = retry
        self._api_key = api_key

    async def post(
        self, client: httpx.AsyncClient, payload: bytes, *, stream: bool
    ) -> httpx.Response:
        """POST ``payload``; return a successful response (streamed if ``stream``)."""
        attempts = self.retry.max_retries + 1
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                if stream:
                    request = client.build_request("POST", self.url, content=payload)
                    response = await client.send(request, stream=True)
                else:
                    response = await client.post(self.url, content=payload)
            except httpx.TimeoutException as exc:
                error: ModelClientError = ModelTimeoutError(
                    f"{self.base_url} did not answer within {self.timeout:g} s "
                    f"({attempt + 1} attempt(s), {type(exc).__name__}). Raise timeout=, or "
                    "check that the server is not overloaded."
                )
            except (
                httpx.ConnectError,
                httpx.RemoteProtocolError,
                httpx.ReadError,
                httpx.WriteError,
            ) as exc:
                error = ModelConnectionError(
                    f"Could not reach the model endpoint {self.base_url} ({attempt + 1} "
                    f"attempt(s)): {type(exc).__name__}: {exc or 'connection failed'}. Check "
                    "base_url and that the server is running."
                )
            else:
                status = response.status_code
                if status < 400:
                    return response
                if stream:
                    await response.aread()
                    await response.aclose()
                error = self.status_error(response)
                if status not in _RETRY_STATUSES:
                    raise error
                retry_after = retry_after_seconds(response.headers)
            if attempt + 1 >= attempts:
                raise error
            await asyncio.sleep(self.retry.delay(attempt, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def status_error(self, response: httpx.Response) -> ModelClientError:
        """The agentparts error for an HTTP error response."""
        status = response.status_code
        message = self._redact(_error_message(response))
        where = f"{self.base_url} (HTTP {status})"
        if status in (401, 403):
            return ModelAuthenticationError(
                f"{where} rejected the API key: {message} Check api_key= or the "
                "OPENAI_API_KEY environment variable (the key is not shown here)."
            )
        if status == 404:
            return ModelNotFoundError(
                f"{where} does not serve model {self.model!r}: {message} Check the model "
                "name, and that base_url ends with the API root (e.g. '/v1')."
            )
        if status == 429:
            return ModelRateLimitError(
                f"{where} kept rate-limiting the requests after {self.retry.max_retries} "
                f"retries: {message} Lower the request rate, or raise max_retries."
            )
        if status >= 500:
            return ModelServerError(
                f"{where} kept failing after {self.retry.max_retries} retries: {message} "
                "Try again later, or raise max_retries."
            )
        lowered = message.lower()
        if any(hint in lowered for hint in _CONTEXT_HINTS):
            return ModelContextLengthError(
                f"The request does not fit in the context window of {self.model!r}: "
                f"{message} Send fewer or shorter messages (e.g. a buffered or token-limited "
                "model context), or use a model with a larger context window."
            )
        return ModelRequestError(f"{where} refused the request: {message}")

    def _redact(self, text: str) -> str:
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return _KEY_LIKE.sub(lambda m: m.group(1) + "***", text)


def _error_message(response: httpx.Response) -> str:
    text = response.text
    try:
        data: Any = json.loads(text)
    except ValueError:
        return (text.strip()[:300] or response.reason_phrase) + "."
    error: Any = cast("dict[str, Any]", data).get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        fields = cast("dict[str, Any]", error)
        parts = [str(fields.get(k)) for k in ("message", "code") if fields.get(k)]
        return " ".join(parts).rstrip(".") + "."
    if isinstance(error, str):
        return error.rstrip(".") + "."
    return text.strip()[:300] + "."


async def iter_sse_data(response: httpx.Response, base_url: str) -> AsyncIterator[bytes]:
    """The ``data:`` payloads of a server-sent event stream, ``[DONE]`` included.

    Raises:
        ModelStreamError: The connection broke or timed out mid-stream.
    """
    buffer = b""
    try:
        async for block in response.aiter_bytes():
            buffer += block
            while True:
                end = buffer.find(b"\n")
                if end < 0:
                    break
                line = buffer[:end].rstrip(b"\r")
                buffer = buffer[end + 1 :]
                if line.startswith(b"data:"):
                    yield line[5:].lstrip()
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise ModelStreamError(
            f"The response stream from {base_url} broke before it was complete "
            f"({type(exc).__name__}: {exc}). The partial answer was dropped: retry the call."
        ) from exc
    line = buffer.strip()
    if line.startswith(b"data:"):
        yield line[5:].lstrip()


def decode_json(payload: bytes, base_url: str) -> dict[str, Any]:
    """``payload`` as a JSON object, or a :class:`ModelResponseError` naming the endpoint."""
    try:
        data: Any = json.loads(payload)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return cast("dict[str, Any]", data)
    if data is None:
        snippet = payload[:200].decode("utf-8", "replace")
        raise ModelResponseError(
            f"{base_url} answered with invalid JSON ({len(payload)} bytes, starting "
            f"{snippet!r}). Check that base_url points to an OpenAI-compatible API."
        )
    raise ModelResponseError(
        f"{base_url} answered with JSON that is not an object ({str(data)[:200]!r}). "
        "Check that base_url points to an OpenAI-compatible API."
    )
