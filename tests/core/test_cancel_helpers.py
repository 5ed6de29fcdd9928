"""cancel_and_wait and wait_shielded: a task's own end is absorbed, the caller's cancel never."""

from __future__ import annotations

import asyncio

import pytest

from agentparts._cancellation_token import caller_is_cancelled, cancel_and_wait, wait_shielded


async def _forever() -> None:
    await asyncio.Event().wait()


async def test_cancel_and_wait_ends_the_task_and_returns() -> None:
    task = asyncio.create_task(_forever())
    await asyncio.sleep(0)
    await cancel_and_wait(task)
    assert task.cancelled()
    current = asyncio.current_task()
    assert current is not None and current.cancelling() == 0


async def test_cancel_and_wait_raises_the_callers_own_cancellation() -> None:
    stopping = asyncio.Event()

    async def stubborn() -> None:
        try:
            await _forever()
        finally:
            stopping.set()
            await asyncio.sleep(3600)  # slow to stop

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    caller = asyncio.create_task(cancel_and_wait(task))
    await stopping.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    task.cancel()


async def test_cancel_and_wait_lets_a_failure_of_the_task_through() -> None:
    async def fails_on_cancel() -> None:
        try:
            await _forever()
        except asyncio.CancelledError:
            raise RuntimeError("broken cleanup") from None

    task = asyncio.create_task(fails_on_cancel())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="broken cleanup"):
        await cancel_and_wait(task)


async def test_wait_shielded_returns_at_the_timeout_and_leaves_the_task_running() -> None:
    task = asyncio.create_task(_forever())
    await wait_shielded(task, 0.01)
    assert not task.done()
    await cancel_and_wait(task)


async def test_wait_shielded_returns_when_the_task_ends_in_any_way() -> None:
    async def fails() -> None:
        raise ValueError("its own failure")

    failing = asyncio.create_task(fails())
    await wait_shielded(failing, 10)
    assert isinstance(failing.exception(), ValueError)
    cancelled = asyncio.create_task(_forever())
    await asyncio.sleep(0)
    cancelled.cancel()
    await wait_shielded(cancelled, 10)
    assert cancelled.cancelled()


async def test_wait_shielded_raises_the_callers_cancellation_and_spares_the_task() -> None:
    task = asyncio.create_task(_forever())
    caller = asyncio.create_task(wait_shielded(task, 3600))
    await asyncio.sleep(0.01)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert not task.done()
    await cancel_and_wait(task)


async def test_caller_is_cancelled_sees_a_pending_cancel() -> None:
    seen: list[bool] = [caller_is_cancelled()]

    async def watcher() -> None:
        try:
            await _forever()
        finally:
            seen.append(caller_is_cancelled())

    task = asyncio.create_task(watcher())
    await asyncio.sleep(0)
    await cancel_and_wait(task)
    assert seen == [False, True]
