from __future__ import annotations

import asyncio
import contextlib
import threading
from asyncio import Future
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

__all__ = [
    "CancelScope",
    "CancellationToken",
    "caller_is_cancelled",
    "cancel_and_wait",
    "discard_callback",
    "wait_shielded",
    "withdraw_cancel",
]

_FutureT = TypeVar("_FutureT", bound="Future[Any]")
T = TypeVar("T")


class CancellationToken:
    """A token that cancels pending async work when :meth:`cancel` is called.

    Cancellation is level-triggered: once cancelled, the token stays cancelled, and every
    future linked or callback added afterwards is cancelled or called at once.

    Example:
        >>> token = CancellationToken()
        >>> token.cancel()
        >>> token.is_cancelled()
        True
    """

    __slots__ = ("_callbacks", "_cancelled", "_lock")

    def __init__(self) -> None:
        self._cancelled = False
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        """Cancel every linked future and call every callback, once."""
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def is_cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on cancellation (at once if already cancelled)."""
        with self._lock:
            if not self._cancelled:
                self._callbacks.append(callback)
                return
        callback()

    def link_future(self, future: _FutureT) -> _FutureT:
        """Cancel ``future`` when this token is cancelled, and return it."""

        def _cancel_future() -> None:
            loop = future.get_loop()
            if loop.is_closed():
                return
            try:
                running = loop is _running_loop()
            except RuntimeError:
                running = False
            if running:
                future.cancel()
            else:
                loop.call_soon_threadsafe(future.cancel)

        self.add_callback(_cancel_future)
        # A long-lived token links many futures: forget each one once it is done.
        future.add_done_callback(lambda _: self._discard_callback(_cancel_future))
        return future

    def _discard_callback(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)


def discard_callback(token: CancellationToken, callback: Callable[[], None]) -> None:
    """Forget a callback added with ``add_callback``, once the work it guards is over.

    A long-lived token (one per session, reused for every run) would otherwise keep every
    callback, and what it refers to, for as long as the token lives.
    """
    token._discard_callback(callback)  # pyright: ignore[reportPrivateUsage]


def _running_loop() -> object:
    import asyncio

    return asyncio.get_running_loop()


def caller_is_cancelled() -> bool:
    """Whether the running task has been asked to cancel (its own cancellation is pending)."""
    current = asyncio.current_task()
    return current is not None and current.cancelling() > 0


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait for it to end.

    The ``CancelledError`` of ``task`` itself is absorbed; the caller's own cancellation,
    arriving while it waits, is raised, never swallowed. Any other failure of ``task``
    propagates.
    """
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        if not task.cancelled() or caller_is_cancelled():
            raise


async def wait_shielded(task: asyncio.Future[Any], timeout: float) -> None:
    """Wait up to ``timeout`` seconds for ``task`` to end, without cancelling it.

    Neither the timeout nor the end of ``task`` (cancelled or failed) is an error here: the
    caller looks at ``task`` afterwards. The caller's own cancellation is raised.
    """
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
    except TimeoutError:
        pass
    except asyncio.CancelledError:
        if caller_is_cancelled():
            raise
    except Exception:  # the task's own failure: the caller reads it from the task
        pass


def withdraw_cancel(task: asyncio.Task[Any]) -> None:
    """Take back one ``task.cancel()`` this code asked for, once its CancelledError is out.

    Python 3.11 counts cancel requests on a task, and ``asyncio.timeout`` and task groups
    read that count: a request that is never taken back makes a later timeout of the
    caller's raise ``CancelledError`` instead of ``TimeoutError``.
    """
    task.uncancel()


class CancelScope:
    """Cancels awaited work at once when ``token`` is cancelled, from any thread.

    The work runs in the caller's own task (no task per call, which would cost about 1 KB,
    15 µs and two loop iterations each): when the token is cancelled, the scope cancels
    the task through the event loop, so it gets ``CancelledError`` where it waits. The
    scope then takes its cancel request back from the task (``task.uncancel()``), so the
    caller's own timeouts and task groups see an ordinary ``CancelledError``.

    Two ways to use it, one mechanism:

    - **Steps** (``with CancelScope(token) as scope``, then ``await scope.run(...)`` or
      ``async for ... in scope.stream(...)``): only a step in progress is cancelled, never
      the code between two steps. For a turn or a generator that yields between steps:
      while it is suspended at a ``yield``, its consumer's task is left alone. A step that
      swallows the cancellation still ends with ``CancelledError``.
    - **Whole block** (``with CancelScope(token, whole_block=True)``): everything awaited
      inside the ``with`` block is cancelled. For a call that does not yield to a consumer
      inside the block.

    One callback is registered on the token and dropped by :meth:`close` (leaving the
    ``with`` block), so a token reused for many runs keeps none. A token that is already
    cancelled ends a whole block, or a step, at once with ``CancelledError``.

    Args:
        token: The token; ``None``: nothing cancels (whole-block calls without a token).
        whole_block: Cancel anything awaited inside the block, not only steps.
    """

    __slots__ = ("_loop", "_requested", "_task", "_token")

    def __init__(self, token: CancellationToken | None, *, whole_block: bool = False) -> None:
        self._token = token
        self._requested = False
        self._task: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        if whole_block:
            if token is not None and token.is_cancelled():
                raise asyncio.CancelledError(
                    "The cancellation token was cancelled before the call."
                )
            self._task = asyncio.current_task()
            self._loop = asyncio.get_running_loop()
        if token is not None:
            token.add_callback(self._cancel)

    def __enter__(self) -> CancelScope:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop listening to the token, and take back a cancel request it made."""
        if self._token is not None:
            discard_callback(self._token, self._cancel)
        task, self._task = self._task, None
        if self._requested and task is not None:
            self._requested = False
            withdraw_cancel(task)

    def _cancel(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # no step has started: the next one sees the cancelled token
        # Always through the loop, even from its own thread: the task is then suspended
        # where it waits, which is where the CancelledError must land.
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._cancel_task)

    def _cancel_task(self) -> None:
        task = self._task
        if task is not None and not task.done():
            self._requested = True
            task.cancel()

    def check(self) -> None:
        """Raise ``CancelledError`` if the token was cancelled."""
        if self._token is not None and self._token.is_cancelled():
            raise asyncio.CancelledError("The run was cancelled through its CancellationToken.")

    async def run(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable`` in this task, cancelled as soon as the token is."""
        task = asyncio.current_task()
        outer = self._task  # a whole block stays armed after the step
        # Known to the callback before the token is read: a cancel from another thread
        # either sees this step, or this check sees the cancelled token.
        self._task = task
        self._loop = asyncio.get_running_loop()
        try:
            if self._token is not None and self._token.is_cancelled():
                if asyncio.iscoroutine(awaitable):
                    awaitable.close()
                self.check()
            result = await awaitable
        except BaseException:
            self._withdraw(task)
            raise
        finally:
            self._task = outer
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
