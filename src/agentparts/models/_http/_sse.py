"""Reading a server-sent event stream within its time and size limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import httpx

from ...errors import ModelStreamError
from ._body import too_large
from ._deadline import Deadline
from ._limits import HttpLimits

__all__ = ["EventStream"]


class EventStream:
    """A streamed answer whose ``data:`` payloads are read within the stream's limits.

    The whole stream must end within ``stream_timeout`` (counted from the request), each
    next event come within ``stream_idle_timeout`` of waiting for it, no line be longer than
    ``max_event_bytes`` and the whole stream no longer than ``max_response_bytes``.
    Always :meth:`aclose` it.

    Args:
        response: The open streamed response (status already checked).
        deadline: The request's deadline, switched to the stream's limits here.
        limits: The client's limits.
        base_url: The endpoint, for messages.
    """

    __slots__ = ("_deadline", "_events", "_limits", "_response", "base_url")

    def __init__(
        self, response: httpx.Response, deadline: Deadline, limits: HttpLimits, base_url: str
    ) -> None:
        deadline.extend(
            limits.stream_timeout,
            "stream_timeout",
            limits.stream_idle_timeout,
            "stream_idle_timeout",
        )
        self._response = response
        self._deadline = deadline
        self._limits = limits
        self._events: AsyncGenerator[bytes, None] | None = None
        self.base_url = base_url

    def data(self) -> AsyncGenerator[bytes, None]:
        """The ``data:`` payloads, in order, ``[DONE]`` included.

        Raises:
            ModelStreamError: The connection broke mid-stream, or ``stream_timeout`` or
                ``stream_idle_timeout`` was hit (the message says which).
            ModelResponseError: A line or the whole stream is over its size cap.
        """
        self._events = self._read()
        return self._events

    async def aclose(self) -> None:
        """Stop the deadline and close the connection (safe to call twice)."""
        self._deadline.cancel()
        if self._events is not None:
            await self._events.aclose()
        await self._response.aclose()

    async def _read(self) -> AsyncGenerator[bytes, None]:
        deadline = self._deadline
        max_line = self._limits.max_event_bytes
        max_total = self._limits.max_response_bytes
        blocks = self._response.aiter_bytes()
        buffer = b""
        total = 0
        new_event = True
        while True:
            if not deadline.begin_wait(new_event):
                raise self._timeout_error()
            try:
                block = await blocks.__anext__()
            except StopAsyncIteration:
                break
            except asyncio.CancelledError:
                if not deadline.withdraw():
                    raise
                raise self._timeout_error() from None
            except (httpx.TransportError, httpx.StreamError) as exc:
                raise ModelStreamError(
                    f"The response stream from {self.base_url} broke before it was complete "
                    f"({type(exc).__name__}: {exc}). The partial answer was dropped: retry "
                    "the call."
                ) from exc
            finally:
                deadline.waiting = False
            total += len(block)
            if total > max_total:
                raise too_large(self.base_url, "The stream", max_total, "max_response_bytes")
            buffer = buffer + block if buffer else block
            new_event = False
            while True:
                end = buffer.find(b"\n")
                if end < 0:
                    break
                if end > max_line:
                    break
                line = buffer[:end].rstrip(b"\r")
                buffer = buffer[end + 1 :]
                payload = self._payload(line)
                if payload is not None:
                    new_event = True
                    yield payload
            if len(buffer) > max_line:
                raise too_large(self.base_url, "A line of the stream", max_line, "max_event_bytes")
        payload = self._payload(buffer.strip())
        if payload is not None:
            yield payload

    def _payload(self, line: bytes) -> bytes | None:
        """The payload a stream line carries, or None (here: a ``data:`` line's data)."""
        return line[5:].lstrip() if line.startswith(b"data:") else None

    def _timeout_error(self) -> ModelStreamError:
        deadline = self._deadline
        if deadline.expired == deadline.idle_name:
            return ModelStreamError(
                f"The response stream from {self.base_url} sent no event for "
                f"{deadline.idle_seconds:g} s (stream_idle_timeout). The partial answer was "
                "dropped. If the model is slow but working, raise stream_idle_timeout= on the "
                "client."
            )
        return ModelStreamError(
            f"The response stream from {self.base_url} did not end within "
            f"{deadline.seconds:g} s (stream_timeout, the limit for a whole streamed answer). "
            "The partial answer was dropped. For longer answers, raise stream_timeout= on the "
            "client."
        )
