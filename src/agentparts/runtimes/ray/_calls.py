"""The direct messages an agent actor is handling, so that a caller can cancel one by id."""

from __future__ import annotations

import asyncio

__all__ = ["CallTable"]


class CallTable:
    """Running calls by id; a cancel that arrives before its call is remembered (boundedly).

    Args:
        remember: How many early cancels to keep; the oldest are forgotten first (a cancel
            for a call that already ended lands here too, and must not pile up).
    """

    def __init__(self, remember: int = 1024) -> None:
        self._remember = remember
        self._running: dict[str, asyncio.Task[object]] = {}
        self._cancelled_here: set[str] = set()
        self._early: dict[str, None] = {}

    def cancel(self, call: str) -> None:
        """Cancel ``call`` now if it runs, else as soon as it starts."""
        task = self._running.get(call)
        if task is not None:
            self._cancelled_here.add(call)
            task.cancel()
            return
        self._early[call] = None
        while len(self._early) > self._remember:
            del self._early[next(iter(self._early))]

    def start(self, call: str, task: asyncio.Task[object]) -> bool:
        """Record that ``call`` runs in ``task``; False if it was cancelled before it started."""
        if call in self._early:
            del self._early[call]
            return False
        self._running[call] = task
        return True

    def end(self, call: str) -> bool:
        """Forget ``call``; True if ``cancel`` cancelled it."""
        self._running.pop(call, None)
        if call in self._cancelled_here:
            self._cancelled_here.discard(call)
            return True
        return False
