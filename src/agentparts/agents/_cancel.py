"""Prompt cancellation of an agent turn through its CancellationToken."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from .._cancellation_token import CancellationToken, discard_callback, withdraw_cancel

__all__ = ["CancelScope"]

T = TypeVar("T")


class CancelScope:
    """Runs the steps of a turn so that cancelling the token cancels the step at once.

    One callback per turn is registered on the token, and dropped by :meth:`close` (use
    the scope as a context manager), so a token reused for many runs keeps none. A
    step runs in the turn's own task (no task per step, which would cost about 1 KB and
    15 µs each, for every streamed chunk too). When the token is cancelled, from any
    thread, the callback goes through the event loop and cancels the task if it is still
    awaiting a step: the step gets ``asyncio.CancelledError`` where it waits, and nothing
    keeps running. The scope then takes its cancel request back from the task, so the
    caller's own timeouts and task groups see an ordinary ``CancelledError``. A step that
    swallows the cancellation still ends the turn with ``CancelledError``.
    """

    __slots__ = ("_loop", "_requested", "_task", "_token")

    def __init__(self, token: CancellationToken) -> None:
        self._token = token
        self._task: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._requested = False
        token.add_callback(self._cancel)

    def __enter__(self) -> CancelScope:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop listening to the token: the turn is over."""
        discard_callback(self._token, self._cancel)

    def _cancel(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # no step has started: the next one sees the cancelled token
        # Always through the loop, even from its own thread: the task is then suspended
        # inside the step, which is where the CancelledError must land.
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._cancel_step)

    def _cancel_step(self) -> None:
        task = self._task
        if task is not None and not task.done():
            self._requested = True
            task.cancel()

    def check(self) -> None:
        """Raise ``CancelledError`` if the token was cancelled."""
        if self._token.is_cancelled():
            raise asyncio.CancelledError("The run was cancelled through its CancellationToken.")

    async def run(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable`` in this task, cancelled as soon as the token is."""
        task = asyncio.current_task()
        # Known to the callback before the token is read: a cancel from another thread
        # either sees this step, or this check sees the cancelled token.
        self._task = task
        self._loop = asyncio.get_running_loop()
        try:
            if self._token.is_cancelled():
                if asyncio.iscoroutine(awaitable):
                    awaitable.close()
                self.check()
            result = await awaitable
        except BaseException:
            self._withdraw(task)
            raise
        finally:
            self._task = None
        if self._withdraw(task):
            self.check()  # the step swallowed the cancellation: the turn still ends
        return result

    def _withdraw(self, task: asyncio.Task[Any] | None) -> bool:
        requested, self._requested = self._requested, False
        if requested and task is not None:
            withdraw_cancel(task)
        return requested

    async def stream(self, iterator: AsyncIterator[T]) -> AsyncIterator[T]:
        """Iterate ``iterator``, each step cancelled as soon as the token is."""
        try:
            while True:
                try:
                    item = await self.run(iterator.__anext__())
                except StopAsyncIteration:
                    return
                yield item
        finally:
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()
