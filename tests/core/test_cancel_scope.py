"""The one cancel scope: steps and whole blocks cancelled by a token, requests taken back."""

from __future__ import annotations

import asyncio
import threading

import pytest

from agentparts import CancellationToken
from agentparts._cancellation_token import CancelScope


async def _wait_forever(started: asyncio.Event) -> None:
    started.set()
    await asyncio.Event().wait()


async def test_a_step_is_cancelled_from_another_thread_and_the_request_is_taken_back() -> None:
    token = CancellationToken()
    started = asyncio.Event()

    async def turn() -> None:
        with CancelScope(token) as scope:
            await scope.run(_wait_forever(started))

    task = asyncio.ensure_future(turn())
    await started.wait()
    threading.Thread(target=token.cancel).start()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_the_callers_timeout_still_reads_as_a_timeout_after_a_cancelled_step() -> None:
    """uncancel(): a request left on the task would turn the caller's later timeout into
    CancelledError (Python counts cancel requests per task)."""
    token = CancellationToken()
    started = asyncio.Event()
    with CancelScope(token) as scope:
        step = scope.run(_wait_forever(started))
        asyncio.get_running_loop().call_soon(token.cancel)
        with pytest.raises(asyncio.CancelledError):
            await step
    current = asyncio.current_task()
    assert current is not None and current.cancelling() == 0
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await asyncio.Event().wait()


async def test_code_between_steps_is_never_cancelled() -> None:
    token = CancellationToken()
    with CancelScope(token) as scope:
        assert await scope.run(asyncio.sleep(0, "first")) == "first"
        token.cancel()
        await asyncio.sleep(0)  # between steps: the scope leaves the task alone
        await asyncio.sleep(0)
        with pytest.raises(asyncio.CancelledError, match="CancellationToken"):
            await scope.run(asyncio.sleep(0))


async def test_a_step_that_swallows_the_cancellation_still_ends_the_turn() -> None:
    token = CancellationToken()

    async def stubborn() -> str:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            return "ignored"
        return "unreachable"

    with CancelScope(token) as scope:
        asyncio.get_running_loop().call_soon(token.cancel)
        with pytest.raises(asyncio.CancelledError):
            await scope.run(stubborn())


async def test_a_whole_block_is_cancelled_wherever_it_waits() -> None:
    token = CancellationToken()
    started = asyncio.Event()

    async def call() -> None:
        with CancelScope(token, whole_block=True):
            await asyncio.sleep(0)
            await _wait_forever(started)

    task = asyncio.ensure_future(call())
    await started.wait()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_whole_block_with_a_cancelled_token_never_starts() -> None:
    token = CancellationToken()
    token.cancel()
    with pytest.raises(asyncio.CancelledError, match="before the call"):
        CancelScope(token, whole_block=True)


async def test_a_closed_scope_leaves_the_token_and_the_task_alone() -> None:
    token = CancellationToken()
    for _ in range(100):
        with CancelScope(token, whole_block=True):
            await asyncio.sleep(0)
        with CancelScope(token) as scope:
            await scope.run(asyncio.sleep(0))
    assert token._callbacks == []  # pyright: ignore[reportPrivateUsage]
    token.cancel()
    await asyncio.sleep(0)  # nothing cancels this task any more
    await asyncio.sleep(0)


async def test_a_stream_stops_at_the_next_item_once_cancelled() -> None:
    token = CancellationToken()
    closed = asyncio.Event()

    async def numbers():
        try:
            for n in range(100):
                await asyncio.sleep(0)
                yield n
        finally:
            closed.set()

    seen: list[int] = []

    async def consume() -> None:
        with CancelScope(token) as scope:
            async for n in scope.stream(numbers()):
                seen.append(n)
                if n == 2:
                    token.cancel()

    with pytest.raises(asyncio.CancelledError):
        await consume()
    assert seen == [0, 1, 2] and closed.is_set()
