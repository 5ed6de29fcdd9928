"""The process runner under every executor: timeouts, cancellation, caps, leftovers."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

from agentparts import CancellationToken
from agentparts.code_executors._env import scrubbed_env
from agentparts.code_executors._process import run_process

from .conftest import live_processes_with


def _env() -> dict[str, str]:
    return scrubbed_env()


async def test_exit_code_and_interleaved_output(tmp_path) -> None:
    outcome = await run_process(
        ["sh", "-c", "echo out; echo err >&2; exit 3"],
        cwd=str(tmp_path),
        env=_env(),
        timeout=10,
        max_output_bytes=1000,
    )
    assert outcome.exit_code == 3
    assert outcome.output == "out\nerr\n"
    assert not (outcome.timed_out or outcome.cancelled or outcome.truncated)


async def test_timeout_kills_group_session_and_escaped_children(tmp_path) -> None:
    marker = uuid.uuid4().hex
    script = (
        f"sleep 1000 {marker}-a & setsid sleep 1000 {marker}-b & "
        f"(setsid sh -c 'sleep 1000 {marker}-c' &) ; echo started; sleep 1000"
    )
    # `sleep` takes only one operand, so run the markers through sh -c to keep them visible.
    script = script.replace("sleep 1000 ", "sh -c 'sleep 1000' ")
    outcome = await run_process(
        ["bash", "-c", script], cwd=str(tmp_path), env=_env(), timeout=1, max_output_bytes=1000
    )
    assert outcome.timed_out
    assert outcome.exit_code == 124
    assert "started" in outcome.output
    assert "timed out after 1 s" in outcome.output
    assert live_processes_with(marker) == []


async def test_background_children_die_with_a_normal_exit(tmp_path) -> None:
    marker = uuid.uuid4().hex
    outcome = await run_process(
        ["bash", "-c", f"sh -c 'sleep 1000' {marker} & echo done"],
        cwd=str(tmp_path),
        env=_env(),
        timeout=10,
        max_output_bytes=1000,
    )
    assert outcome.exit_code == 0
    assert outcome.output == "done\n"
    assert live_processes_with(marker) == []


async def test_cancellation_token_stops_the_run(tmp_path) -> None:
    marker = uuid.uuid4().hex
    token = CancellationToken()
    asyncio.get_running_loop().call_later(0.3, token.cancel)
    outcome = await run_process(
        ["bash", "-c", f"sh -c 'sleep 1000' {marker} & sleep 1000"],
        cwd=str(tmp_path),
        env=_env(),
        timeout=60,
        max_output_bytes=1000,
        cancellation_token=token,
    )
    assert outcome.cancelled
    assert outcome.exit_code == 130
    assert "cancelled" in outcome.output
    assert live_processes_with(marker) == []


async def test_task_cancellation_kills_and_propagates(tmp_path) -> None:
    marker = uuid.uuid4().hex
    task = asyncio.create_task(
        run_process(
            ["bash", "-c", f"sh -c 'sleep 1000' {marker} & sleep 1000"],
            cwd=str(tmp_path),
            env=_env(),
            timeout=60,
            max_output_bytes=1000,
        )
    )
    await asyncio.sleep(0.3)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the task was not cancelled")
    assert live_processes_with(marker) == []


async def test_output_is_capped_with_a_marker(tmp_path) -> None:
    outcome = await run_process(
        [sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('x' * 65536)"],
        cwd=str(tmp_path),
        env=_env(),
        timeout=60,
        max_output_bytes=100_000,
    )
    assert outcome.truncated
    body, _, note = outcome.output.rpartition("\n")
    assert body == "x" * 100_000
    assert "output truncated" in note and "100000 bytes" in note


async def test_monitor_stops_the_run(tmp_path) -> None:
    outcome = await run_process(
        ["sleep", "100"],
        cwd=str(tmp_path),
        env=_env(),
        timeout=60,
        max_output_bytes=1000,
        monitor=lambda: "too much",
    )
    assert outcome.stopped_reason == "too much"
    assert outcome.exit_code == 1
    assert outcome.output.endswith("[stopped: too much]")


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
