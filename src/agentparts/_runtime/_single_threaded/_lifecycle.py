"""Lifecycle: start, the stop conditions (now, when idle, when a condition holds), close."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ...errors import UndeliverableException
from ._delivery import Delivery
from ._state import RUNNING, STOPPED, STOPPING

__all__ = ["Lifecycle"]


class Lifecycle(Delivery):
    """The runtime's start, stop and close methods (the queue loop is :class:`Delivery`'s)."""

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start delivering messages (queued ones first), in a background task.

        Raises:
            RuntimeError: It is running already.
        """
        if self._state != STOPPED:
            raise RuntimeError("The runtime is running already: call stop() before start().")
        self._state = RUNNING
        self._loop_task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop: the messages being handled finish; queued ones are not delivered.

        A queued direct message fails in its sender with ``UndeliverableException``; a
        queued publish is reported (event and dead-letter handler).

        Raises:
            RuntimeError: It is not running.
            BaseException: The exception a handler stored (``ignore_unhandled_exceptions``
                is False).
        """
        if self._state != RUNNING:
            raise RuntimeError("The runtime is not running: call start() first.")
        self._state = STOPPING
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)
        try:
            if self._loop_task is not None:
                await self._loop_task
            current = asyncio.current_task()
            while pending := [t for t in self._tasks if t is not current]:
                await asyncio.wait(pending)
        finally:
            self._loop_task = None
            self._wakeup = None
            self._state = STOPPED
            await self._discard_queue("the runtime stopped before delivering it")
        self._raise_background_exception()

    async def _discard_queue(self, why: str) -> None:
        while self._queue:
            envelope = self._queue.popleft()
            self._outstanding -= 1  # no _finish_one: waiters are woken once, below
            error = UndeliverableException(
                f"Message {type(envelope.message).__name__} was not delivered: {why}. Wait "
                "for it before stopping (stop_when_idle), or send it after start()."
            )
            if envelope.future is not None:
                if not envelope.future.done():
                    envelope.future.set_exception(error)
            else:
                await self._report_failure(envelope, None, "runtime_stopped", error)
        if self._outstanding == 0:
            self._notify_idle()

    async def stop_when_idle(self) -> None:
        """Stop once no message is queued or being handled (the usual way to stop).

        Raises:
            RuntimeError: It is not running.
            BaseException: The exception a handler stored (``ignore_unhandled_exceptions``
                is False).
        """
        if self._state != RUNNING:
            raise RuntimeError("The runtime is not running: call start() first.")
        while self._outstanding > 0 and self._background_exception is None:
            waiter = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter
        await self.stop()

    async def stop_when(self, condition: Callable[[], bool], check_period: float = 1.0) -> None:
        """Stop once ``condition()`` is true.

        The condition is checked after every handled message and every ``check_period``
        seconds (for conditions that change outside the runtime).

        Raises:
            RuntimeError: It is not running.
        """
        if self._state != RUNNING:
            raise RuntimeError("The runtime is not running: call start() first.")
        loop = asyncio.get_running_loop()
        while not condition() and self._background_exception is None:
            waiter: asyncio.Future[None] = loop.create_future()
            self._progress_waiters.append(waiter)
            await asyncio.wait([waiter], timeout=check_period)
            if not waiter.done():
                waiter.cancel()
        await self.stop()

    async def close(self) -> None:
        """Stop if running, close every agent, and fail whatever is still queued."""
        try:
            if self._state == RUNNING:
                await self.stop()
        finally:
            await self._discard_queue("the runtime was closed")
            for agent in list(self._agents.values()):
                await agent.close()
