"""The call table behind cancelling a direct message on the Ray runtime (no cluster needed)."""

from __future__ import annotations

import asyncio

from agentparts.runtimes.ray._calls import CallTable


async def test_a_cancel_that_arrives_first_stops_the_call_when_it_starts() -> None:
    calls = CallTable()
    calls.cancel("c1")
    task = asyncio.current_task()
    assert task is not None
    assert calls.start("c1", task) is False
    assert calls.start("c1", task) is True  # remembered once, then forgotten
    assert calls.end("c1") is False


async def test_a_cancel_of_a_running_call_cancels_its_task_and_says_so() -> None:
    calls = CallTable()
    started = asyncio.Event()

    async def handler() -> str:
        started.set()
        await asyncio.Event().wait()
        return "never"

    task = asyncio.ensure_future(handler())
    assert calls.start("c2", task) is True
    await started.wait()
    calls.cancel("c2")
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert task.cancelled()
    assert calls.end("c2") is True
    assert calls.end("c2") is False


def test_early_cancels_are_bounded() -> None:
    calls = CallTable(remember=3)
    for n in range(10):
        calls.cancel(f"gone{n}")
    assert calls._early == {"gone7": None, "gone8": None, "gone9": None}  # pyright: ignore[reportPrivateUsage]
