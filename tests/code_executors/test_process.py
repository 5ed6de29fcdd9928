"""The process machinery under every executor: how a run ends, and killing its leftovers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid

from agentparts import CancellationToken
from agentparts.code_executors._env import scrubbed_env
from agentparts.code_executors._process import (
    ProcessOutcome,
    finish_outcome,
    kill_process_tree,
    wait_for_end,
)

from .conftest import live_processes_with


async def test_a_run_ends_by_exit_overflow_stop_or_timeout_whichever_comes_first() -> None:
    loop = asyncio.get_running_loop()

    async def end(
        *,
        finish: bool = False,
        overflow: bool = False,
        reason: str | None = None,
        token: CancellationToken | None = None,
        timeout: float = 30,
    ) -> ProcessOutcome:
        finished: asyncio.Future[None] = loop.create_future()
        overflowed: asyncio.Future[None] = loop.create_future()
        if finish:
            finished.set_result(None)
        if overflow:
            overflowed.set_result(None)
        return await wait_for_end(
            finished,
            overflowed,
            timeout=timeout,
            cancellation_token=token,
            monitor=(lambda: reason) if reason else None,
        )

    exited = await end(finish=True)
    assert not (exited.timed_out or exited.cancelled or exited.truncated or exited.stopped_reason)
    assert (await end(overflow=True)).truncated
    assert (await end(reason="too much")).stopped_reason == "too much"
    assert (await end(timeout=0.05)).timed_out
    token = CancellationToken()
    loop.call_later(0.05, token.cancel)
    assert (await end(token=token)).cancelled
    assert token._callbacks == []  # pyright: ignore[reportPrivateUsage]


def test_the_outcome_says_how_the_run_ended_in_its_exit_code_and_output() -> None:
    def finish(code: int, **flags: object) -> ProcessOutcome:
        outcome = ProcessOutcome(exit_code=0, output="", **flags)  # type: ignore[arg-type]
        return finish_outcome(outcome, code, "text", timeout=2, max_output_bytes=10)

    assert (finish(3).exit_code, finish(3).output) == (3, "text")
    assert finish(-9).exit_code == 137
    timed_out = finish(-9, timed_out=True)
    assert (
        timed_out.exit_code == 124 and "[Timeout: the run timed out after 2 s" in timed_out.output
    )
    cancelled = finish(-9, cancelled=True)
    assert cancelled.exit_code == 130 and "[Cancelled:" in cancelled.output
    truncated = finish(-9, truncated=True)
    assert "it exceeded 10 bytes" in truncated.output
    stopped = finish(-9, stopped_reason="too much")
    assert stopped.exit_code == 1 and stopped.output.endswith("[stopped: too much]")


def test_kill_process_tree_kills_the_group_and_descendants_that_left_the_session() -> None:
    # (A child that double-forks out of the tree is the supervisor's job: see test_local.py.)
    marker = uuid.uuid4().hex
    script = """sh -c 'sleep 1000' "$MARK-a" & setsid sh -c 'sleep 1000' "$MARK-b" & sleep 1000"""
    leader = subprocess.Popen(
        ["bash", "-c", script], start_new_session=True, env={**os.environ, "MARK": marker}
    )
    try:
        while len(live_processes_with(marker)) < 2:
            time.sleep(0.01)
        kill_process_tree(leader.pid)
        assert live_processes_with(marker) == []
        assert leader.wait(timeout=10) == -9
    finally:
        leader.kill()
        leader.wait()


def test_kill_process_tree_can_keep_the_leader() -> None:
    marker = uuid.uuid4().hex
    # The marker goes in through the environment, so only the child's command line has it.
    child = "import os, subprocess, time; subprocess.Popen(['sh', '-c', 'sleep 1000', os.environ['MARK']]); time.sleep(1000)"
    leader = subprocess.Popen(
        [sys.executable, "-c", child], start_new_session=True, env={**os.environ, "MARK": marker}
    )
    try:
        while not live_processes_with(marker):
            time.sleep(0.01)
        kill_process_tree(leader.pid, keep_leader=True)
        assert live_processes_with(marker) == []
        assert leader.poll() is None
    finally:
        leader.kill()
        leader.wait()


def test_scrubbed_env_allowlist() -> None:
    source = {
        "PATH": "/usr/bin",
        "LC_ALL": "C",
        "LC_API_KEY": "x",
        "OPENAI_API_KEY": "sk-1",
        "GITHUB_TOKEN": "t",
        "MY_SETTING": "1",
    }
    assert scrubbed_env(source=source) == {"PATH": "/usr/bin", "LC_ALL": "C"}
    # Exact names are explicit, so they pass even if they look like secrets; patterns never.
    assert scrubbed_env(("PATH", "MY_*", "GITHUB_TOKEN", "*"), extra={"A": "b"}, source=source) == {
        "PATH": "/usr/bin",
        "LC_ALL": "C",
        "MY_SETTING": "1",
        "GITHUB_TOKEN": "t",
        "A": "b",
    }
    assert "OPENAI_API_KEY" not in scrubbed_env(("*",), source=dict(os.environ))
