"""POSTing to a model endpoint: retries, deadlines, size caps and error mapping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

import httpx

from ...errors import (
    ModelAuthenticationError,
    ModelClientError,
    ModelConnectionError,
    ModelContextLengthError,
    ModelNotFoundError,
    ModelRateLimitError,
    ModelRequestError,
    ModelServerError,
    ModelTimeoutError,
)
from ._body import error_text as _error_text
from ._body import read_body, read_error_body
from ._deadline import Deadline
from ._limits import HttpLimits
from ._redact import Redactor
from ._retry import RETRIED_STATUSES, RetryPolicy, attempts_text, retry_after_seconds
from ._sse import EventStream

__all__ = ["Transport"]

_CONTEXT_HINTS = (
    "context_length_exceeded",
    "maximum context length",
    "context window",
    "too many tokens",
    "prompt is too long",
)
_CONNECTION_ERRORS = (
    httpx.ConnectError,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)


class _StatusFailure(Exception):
    """An HTTP error status, with the start of its body."""

    def __init__(self, response: httpx.Response, body: bytes) -> None:
        super().__init__(response.status_code)
        self.response = response
        self.body = body


class Transport:
    """POSTs JSON to one endpoint with retries, within limits, mapping failures to errors.

    Args:
        base_url: The API root (for messages).
        url: The full URL requests go to.
        model: The model name (for messages).
        limits: Time and size limits.
        retry: When and how long to wait before retrying.
        redact: Hides the API key in error messages.
        key_hint: Where the API key comes from, for authentication errors (e.g.
            ``"api_key= or the OPENAI_API_KEY environment variable"``).
        auth_headers: Called before each attempt for headers that change over time (e.g.
            a bearer token from a token provider that renews it).
        stream_type: How streamed answers are read (server-sent events by default).
    """

    __slots__ = (
        "auth_headers",
        "base_url",
        "key_hint",
        "limits",
        "model",
        "redact",
        "retry",
        "stream_type",
        "url",
    )

    def __init__(
        self,
        base_url: str,
        url: str,
        model: str,
        limits: HttpLimits,
        retry: RetryPolicy,
        redact: Redactor,
        key_hint: str,
        *,
        auth_headers: Callable[[], Awaitable[Mapping[str, str]]] | None = None,
        stream_type: type[EventStream] = EventStream,
    ) -> None:
        self.auth_headers = auth_headers
        self.stream_type = stream_type
        self.base_url = base_url
        self.url = url
        self.model = model
        self.limits = limits
        self.retry = retry
        self.redact = redact
        self.key_hint = key_hint

    async def post(self, client: httpx.AsyncClient, payload: bytes) -> bytes:
        """POST ``payload``; return the body of a successful answer.

        Raises:
            ModelClientError: A subclass saying what failed, after the retries it allows.
        """
        body = await self._send(client, payload, stream=False)
        assert isinstance(body, bytes)
        return body

    async def post_stream(self, client: httpx.AsyncClient, payload: bytes) -> EventStream:
        """POST ``payload``; return the open event stream of a successful answer."""
        stream = await self._send(client, payload, stream=True)
        assert isinstance(stream, EventStream)
        return stream

    async def _send(
        self, client: httpx.AsyncClient, payload: bytes, *, stream: bool
    ) -> bytes | EventStream:
        max_retries = self.retry.max_retries
        for attempt in range(1, max_retries + 2):
            retry_after: float | None = None
            deadline = Deadline(self.limits.timeout, "timeout")
            try:
                result = await self._attempt(client, payload, deadline, stream)
            except asyncio.CancelledError:
                deadline.cancel()
                if not deadline.withdraw():
                    raise
                error: ModelClientError = self._timeout_error(attempt, "")
            except httpx.TimeoutException as exc:
                deadline.cancel()
                error = self._timeout_error(attempt, type(exc).__name__)
            except _CONNECTION_ERRORS as exc:
                deadline.cancel()
                error = ModelConnectionError(
                    f"Could not reach the model endpoint {self.base_url} "
                    f"({attempts_text(attempt, max_retries)}): {type(exc).__name__}: "
                    f"{exc or 'connection failed'}. Check base_url and that the server is "
                    "running."
                )
            except _StatusFailure as failure:
                deadline.cancel()
                status = failure.response.status_code
                error = self.status_error(status, failure.body, failure.response, attempt)
                if status not in RETRIED_STATUSES:
                    raise error from None
                retry_after = retry_after_seconds(failure.response.headers)
            except BaseException:
                deadline.cancel()
                raise
            else:
                if deadline.withdraw():  # fired just as the answer came: take it back
                    deadline.expired = None
                if isinstance(result, bytes):
                    deadline.cancel()
                    return result
                return self.stream_type(result, deadline, self.limits, self.base_url)
            if attempt > max_retries:
                raise error
            await asyncio.sleep(self.retry.delay(attempt - 1, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(
        self, client: httpx.AsyncClient, payload: bytes, deadline: Deadline, stream: bool
    ) -> bytes | httpx.Response:
        headers = None if self.auth_headers is None else await self.auth_headers()
        request = client.build_request("POST", self.url, content=payload, headers=headers)
        response = await client.send(request, stream=True)
        if response.status_code >= 400:
            try:
                body = await read_error_body(response)
            finally:
                await response.aclose()
            raise _StatusFailure(response, body)
        if stream:
            deadline.waiting = False
            return response
        try:
            return await read_body(response, self.limits.max_response_bytes, self.base_url)
        finally:
            await response.aclose()

    def _timeout_error(self, attempt: int, kind: str) -> ModelTimeoutError:
        detail = f", {kind}" if kind else ""
        return ModelTimeoutError(
            f"{self.base_url} did not answer within {self.limits.timeout:g} s (timeout=, the "
            f"limit for one whole request; "
            f"{attempts_text(attempt, self.retry.max_retries)}{detail}). Raise timeout= if "
            "the server is slow but working, or check that it is not overloaded."
        )

    def status_error(
        self, status: int, body: bytes, response: httpx.Response, attempts: int
    ) -> ModelClientError:
        """The agentparts error for an HTTP error status, after ``attempts`` requests."""
        message = self.redact(_error_text(body, response.reason_phrase or "no message"))
        tries = attempts_text(attempts, self.retry.max_retries)
        where = f"{self.base_url} (HTTP {status}, {tries})"
        if status in (401, 403):
            return ModelAuthenticationError(
                f"{where} rejected the API key: {message} Check {self.key_hint} (the key is "
                "not shown here)."
            )
        if status == 404:
            return ModelNotFoundError(
                f"{where} does not serve model {self.model!r}: {message} Check the model "
                "name, and that base_url ends with the API root (e.g. '/v1')."
            )
        if status == 429:
            return ModelRateLimitError(
                f"{where} kept rate-limiting the requests: {message} Lower the request rate, "
                "or raise max_retries."
            )
        if status >= 500 and status in RETRIED_STATUSES:
            return ModelServerError(
                f"{where} kept failing: {message} Try again later, or raise max_retries."
            )
        if status >= 500:
            return ModelServerError(
                f"{where} failed: {message} HTTP {status} is not retried: it describes the "
                "server, not a passing fault."
            )
        lowered = message.lower()
        if any(hint in lowered for hint in _CONTEXT_HINTS):
            return ModelContextLengthError(
                f"The request does not fit in the context window of {self.model!r}: "
                f"{message} Send fewer or shorter messages (e.g. a buffered or token-limited "
                "model context), or use a model with a larger context window."
            )
        return ModelRequestError(f"{where} refused the request: {message}")
