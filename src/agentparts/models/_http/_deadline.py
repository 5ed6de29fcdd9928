"""Deadlines that bound a whole request or stream, with one timer each, not one per read.

httpx's timeouts bound each network read, so a server that sends one byte a second, or an
event stream that never ends, holds the caller forever. A :class:`Deadline` cancels the
task that waits on the network once a limit is past, and the code that waited turns that
cancellation into a :class:`~agentparts.errors.ModelTimeoutError` (see :meth:`withdraw`).
It only cancels while :attr:`waiting` is set, so a streamed answer never cancels the
caller's own code between two chunks. That window is why this is not a
:class:`~agentparts._cancellation_token.CancelScope` (which cancels at any await once its
token fires); both take their cancel request back with ``withdraw_cancel``.
"""

from __future__ import annotations

import asyncio

from ..._cancellation_token import withdraw_cancel

__all__ = ["Deadline"]


class Deadline:
    """A total limit and, for streams, an idle limit on waiting for the network.

    Start it in the task that does the waiting. Each limit is named by the client option
    that sets it, so an error can say which one was hit and how to raise it.

    Args:
        seconds: The total limit, from now.
        name: The option that sets it (e.g. ``"timeout"``).

    Attributes:
        waiting: Whether the task waits on the network now (only then is it cancelled).
        expired: The option whose limit was hit, once one was.
    """

    __slots__ = (
        "_end",
        "_handle",
        "_idle",
        "_idle_from",
        "_idle_name",
        "_loop",
        "_requested",
        "_task",
        "expired",
        "name",
        "seconds",
        "waiting",
    )

    def __init__(self, seconds: float, name: str) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._task = asyncio.current_task()
        self._end = loop.time() + seconds
        self._idle: float | None = None
        self._idle_from = 0.0
        self._idle_name = ""
        self.seconds = seconds
        self.name = name
        self.expired: str | None = None
        self._requested = False
        self.waiting = True
        self._handle: asyncio.TimerHandle | None = loop.call_at(self._end, self._check)

    def extend(self, seconds: float, name: str, idle: float, idle_name: str) -> None:
        """Switch to a stream's limits: ``seconds`` in all (counted from the start of the
        request) and ``idle`` seconds of waiting for each next event."""
        self._end += seconds - self.seconds
        self.seconds = seconds
        self.name = name
        self._idle = idle
        self._idle_name = idle_name
        self._idle_from = self._loop.time()
        self.waiting = False
        self._rearm()

    def begin_wait(self, new_event: bool) -> bool:
        """The task is about to wait on the network; ``new_event``: the idle time starts
        again (an event came since the last wait).

        Returns:
            False if a limit is already past (:attr:`expired` says which): raise at once,
            without waiting. The task is not cancelled for it.
        """
        if new_event:
            self._idle_from = self._loop.time()
        # A stream may be read on from another task than the one that opened it.
        self._task = asyncio.current_task()
        if self._handle is None and self.expired is None:
            # The timer fired while the caller had control: check now, without cancelling
            # the running task (a read that needs no wait would leave that cancel pending
            # for the caller's code).
            due, name = self._due()
            if self._loop.time() >= due:
                self.expired = name
                return False
            self._handle = self._loop.call_at(due, self._check)
        self.waiting = True
        return True

    def withdraw(self) -> bool:
        """After a ``CancelledError``: whether it was this deadline's doing (and, if so,
        take the cancel request back from the task). False: let the error propagate."""
        if not self._requested or self._task is None:
            return False
        self._requested = False
        withdraw_cancel(self._task)
        # Someone else cancelled the task too: their cancellation wins.
        return self._task.cancelling() == 0

    def cancel(self) -> None:
        """Stop the timer (the request is over)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    @property
    def idle_name(self) -> str:
        """The option that sets the idle limit."""
        return self._idle_name

    @property
    def idle_seconds(self) -> float:
        """The idle limit in seconds (0 before :meth:`extend`)."""
        return self._idle or 0.0

    def _due(self) -> tuple[float, str]:
        if self._idle is not None and self._idle_from + self._idle < self._end:
            return self._idle_from + self._idle, self._idle_name
        return self._end, self.name

    def _rearm(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = self._loop.call_at(self._due()[0], self._check)

    def _check(self) -> None:
        self._handle = None
        if self.expired is not None or not self.waiting:
            return  # checked again at the next begin_wait
        due, name = self._due()
        if self._loop.time() < due:
            self._handle = self._loop.call_at(due, self._check)
            return
        if self._task is not None and not self._task.done():
            self.expired = name
            self._requested = True
            self._task.cancel()
