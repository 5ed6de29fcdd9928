"""Stopping parts is never silent: an MCP session task that fails and an agent that fails to
close are logged, and the caller's own cancellation is never swallowed."""

from __future__ import annotations

import asyncio
import logging

import pytest

from agentparts.tools.mcp._session import _cancel  # pyright: ignore[reportPrivateUsage]


async def test_a_task_that_ends_by_cancellation_is_stopped_quietly() -> None:
    task = asyncio.ensure_future(asyncio.Event().wait())
    await asyncio.sleep(0)
    await _cancel(task)  # pyright: ignore[reportArgumentType]
    assert task.cancelled()


async def test_a_task_that_fails_while_stopping_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def fails_on_cancel() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise RuntimeError("the pipe broke") from None

    task = asyncio.ensure_future(fails_on_cancel())
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING, logger="agentparts.tools.mcp._session"):
        await _cancel(task)
    [record] = caplog.records
    assert record.getMessage() == "The MCP session task failed while it was stopped."
    assert record.exc_info is not None and str(record.exc_info[1]) == "the pipe broke"


async def test_the_callers_cancellation_is_not_swallowed() -> None:
    release = asyncio.Event()
    entered = asyncio.Event()

    async def slow_to_stop() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            entered.set()
            await release.wait()  # takes its time to shut down
            raise

    task = asyncio.ensure_future(slow_to_stop())
    await asyncio.sleep(0)
    stopper = asyncio.ensure_future(_cancel(task))
    await entered.wait()
    stopper.cancel()  # the caller of _cancel is cancelled while it waits
    with pytest.raises(asyncio.CancelledError):
        await stopper
    assert stopper.cancelled()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_cli_logs_an_agent_that_fails_to_close(caplog: pytest.LogCaptureFixture) -> None:
    from agentparts.cli._runner import close_agent  # pyright: ignore[reportPrivateUsage]

    class Agent:
        async def close(self) -> None:
            raise OSError("the MCP server would not stop")

    with caplog.at_level(logging.WARNING, logger="agentparts.cli._runner"):
        await close_agent(Agent())
    [record] = caplog.records
    assert record.getMessage() == "Closing the agent failed; its parts may still run."
    assert (
        record.exc_info is not None and str(record.exc_info[1]) == "the MCP server would not stop"
    )
