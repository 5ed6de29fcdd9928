from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from agentparts import CancellationToken
from agentparts.tools import FunctionTool
from agentparts.tools._worker_threads import WorkerThreads  # pyright: ignore[reportPrivateUsage]

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


async def test_runs_in_a_worker_thread_with_the_callers_context() -> None:
    pool = WorkerThreads(name="test-pool")
    request_id.set("r-42")
    seen = await pool.run(lambda: (threading.current_thread().name, request_id.get()))
    assert seen == ("test-pool-0", "r-42")
    pool.stop()


async def test_exceptions_reach_the_awaiting_coroutine() -> None:
    pool = WorkerThreads()

    def fail() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        await pool.run(fail)

    def stop_iteration() -> None:
        raise StopIteration("done")

    with pytest.raises(RuntimeError, match="raised StopIteration: done"):
        await pool.run(stop_iteration)
    pool.stop()


async def test_sequential_calls_reuse_one_thread() -> None:
    pool = WorkerThreads()
    names = {await pool.run(lambda: threading.current_thread().name) for _ in range(200)}
    assert names == {"agentparts-tool-0"}
    assert pool.thread_count == 1
    pool.stop()


async def test_blocking_jobs_run_in_parallel_up_to_max_threads() -> None:
    pool = WorkerThreads(max_threads=4)
    barrier = threading.Barrier(4, timeout=10)  # breaks unless 4 jobs run at the same time
    started = time.monotonic()
    results = await asyncio.gather(*(pool.run(barrier.wait) for _ in range(4)))
    assert sorted(results) == [0, 1, 2, 3]
    assert time.monotonic() - started < 10
    assert pool.thread_count == 4

    # More jobs than threads: the extra ones wait in the queue, none is lost.
    values = await asyncio.gather(*(pool.run(lambda i=i: i * i) for i in range(40)))
    assert values == [i * i for i in range(40)]
    assert pool.thread_count == 4
    pool.stop()


async def test_a_job_cancelled_while_queued_never_runs() -> None:
    pool = WorkerThreads(max_threads=1)
    release = threading.Event()
    ran: list[str] = []
    first = pool.run(lambda: release.wait(10))
    second = pool.run(lambda: ran.append("second"))
    second.cancel()
    release.set()
    assert await first is True
    assert await pool.run(lambda: "third") == "third"  # runs after the skipped job
    assert ran == []
    pool.stop()


async def test_stop_ends_the_threads_and_refuses_new_jobs() -> None:
    pool = WorkerThreads(name="stop-test")
    await asyncio.gather(*(pool.run(lambda: time.sleep(0.05)) for _ in range(3)))
    threads = [t for t in threading.enumerate() if t.name.startswith("stop-test-")]
    assert len(threads) == pool.thread_count >= 1
    assert all(t.daemon for t in threads)  # a tool that never returns cannot block exit
    pool.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        pool.run(lambda: None)
    for thread in threads:
        thread.join(10)
        assert not thread.is_alive()
    assert pool.thread_count == 0


def test_max_threads_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_threads must be at least 1"):
        WorkerThreads(max_threads=0)


async def test_sync_function_tools_run_in_the_shared_worker_threads() -> None:
    def where(label: str) -> str:
        return f"{label}:{threading.current_thread().name}"

    tool = FunctionTool(where, description="Say which thread runs the tool.")
    text = await tool.run_json({"label": "x"}, CancellationToken())
    assert text.startswith("x:agentparts-tool-")
    assert threading.current_thread().name not in text
