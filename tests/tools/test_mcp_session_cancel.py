"""The MCP session's stop helpers never swallow the caller's own cancellation."""

from __future__ import annotations

import asyncio

import pytest

from agentparts.tools.mcp import _session


async def test_waiting_for_a_failed_start_keeps_the_callers_cancellation() -> None:
    started = asyncio.Event()
    blocker = asyncio.create_task(asyncio.Event().wait())

    async def caller() -> str:
        started.set()
        await _session._cancel_quietly_if_running(blocker)  # pyright: ignore[reportPrivateUsage]
        return "returned as if nothing happened"

    waiting = asyncio.create_task(caller())
    await started.wait()
    await asyncio.sleep(0)  # the caller is now inside the wait
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert not blocker.done()  # the session task is shielded: it ends on its own
    blocker.cancel()


async def test_a_session_task_that_is_cancelled_itself_ends_the_wait_quietly() -> None:
    blocker = asyncio.create_task(asyncio.Event().wait())
    await asyncio.sleep(0)
    blocker.cancel()
    await _session._cancel_quietly_if_running(blocker)  # pyright: ignore[reportPrivateUsage]
    assert blocker.cancelled()


async def test_a_session_task_still_running_after_the_grace_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_session, "_STOP_GRACE_SECONDS", 0.01)
    blocker = asyncio.create_task(asyncio.Event().wait())
    await _session._cancel_quietly_if_running(blocker)  # pyright: ignore[reportPrivateUsage]
    assert not blocker.done()
    blocker.cancel()


async def test_cancelling_the_session_task_keeps_the_callers_cancellation() -> None:
    started = asyncio.Event()

    async def slow_to_stop() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            started.set()
            await asyncio.sleep(3600)  # refuses to stop promptly

    session_task = asyncio.create_task(slow_to_stop())
    await asyncio.sleep(0)
    stopping = asyncio.create_task(_session._cancel(session_task))  # pyright: ignore[reportPrivateUsage]
    await started.wait()
    stopping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopping
    session_task.cancel()
