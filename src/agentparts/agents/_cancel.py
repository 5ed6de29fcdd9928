"""Prompt cancellation of an agent turn through its CancellationToken."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from .._cancellation_token import CancellationToken

__all__ = ["CancelScope"]

T = TypeVar("T")

_DONE: Any = object()


async def _next_item(iterator: AsyncIterator[T]) -> T:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _DONE


class CancelScope:
    """Runs one awaitable at a time so that cancelling the token cancels it at once.

    One callback per turn is registered on the token (tokens cannot drop callbacks), and
    it cancels whatever is running then: a model call, a stream step, the tool calls. The
    awaiting code gets ``asyncio.CancelledError``, and nothing keeps running.
    """

    __slots__ = ("_current", "_token")

    def __init__(self, token: CancellationToken) -> None:
        self._token = token
        self._current: asyncio.Future[Any] | None = None
        token.add_callback(self._cancel)

    def _cancel(self) -> None:
        future = self._current
        if future is None or future.done():
            return
        loop = future.get_loop()
        try:
            same_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            future.cancel()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(future.cancel)

    def check(self) -> None:
        """Raise ``CancelledError`` if the token was cancelled."""
        if self._token.is_cancelled():
            raise asyncio.CancelledError("The run was cancelled through its CancellationToken.")

    async def run(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``, cancelled as soon as the token is."""
        if self._token.is_cancelled():
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            self.check()
        future = asyncio.ensure_future(awaitable)
        self._current = future
        try:
            return await future
        finally:
            self._current = None

    async def stream(self, iterator: AsyncIterator[T]) -> AsyncIterator[T]:
        """Iterate ``iterator``, each step cancelled as soon as the token is."""
        try:
            while True:
                item = await self.run(_next_item(iterator))
                if item is _DONE:
                    return
                yield item
        finally:
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()
