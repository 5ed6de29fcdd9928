"""Ray mode on one local Ray instance (started once for this module), against the real
local OpenAI-compatible server: the Ray workers load the agent config themselves and call
the server over HTTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentparts import CancellationToken
from agentparts.batch import BatchResult, run_batch
from agentparts.errors import BatchInputError, RayClusterError
from agentparts.testing import OpenAITestServer

from .conftest import PROMPT_TOKENS, Answers, invoke_cli, result_lines, write_tasks

ray = pytest.importorskip("ray")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_cluster_is_a_clear_error_before_any_task(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    assert not ray.is_initialized()
    out = tmp_path / "results.jsonl"
    address = f"127.0.0.1:{_closed_port()}"
    with pytest.raises(
        RayClusterError, match=f"Ray cluster at {address} does not answer.*No task was run"
    ):
        run_batch(config, ["hello"], out=out, ray_address=address)
    assert not out.exists()
    assert server.requests == []
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.mark.usefixtures("local_ray")
def test_ray_mode_records_every_task_failures_and_timeouts_included(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    tasks = write_tasks(
        tmp_path / "tasks.jsonl",
        [{"id": f"ok-{n}", "task": f"question {n}", "metadata": {"n": n}} for n in range(20)]
        + ['{"id": "broken"', {"id": "bad", "task": "fail now"}, {"id": "slow", "task": "hang"}],
    )
    out = tmp_path / "results.jsonl"
    report = run_batch(config, tasks, out=out, ray=True, concurrency=4, timeout=3)
    assert [e.line for e in report.input_errors] == [21]
    assert (report.succeeded, report.failed, report.cancelled) == (20, 2, False)
    assert report.prompt_tokens == 20 * PROMPT_TOKENS
    by_id = {r["id"]: r for r in result_lines(out)}
    assert len(by_id) == 22
    assert all(by_id[f"ok-{n}"]["final_message"] == f"answer to: question {n}" for n in range(20))
    assert by_id["ok-7"]["metadata"] == {"n": 7}
    assert "context" in by_id["bad"]["error"].lower()
    assert by_id["slow"]["error"] == "Timed out after 3 s."
    assert ray.is_initialized()  # the batch used the instance it found and left it running


@pytest.mark.usefixtures("local_ray")
def test_ray_mode_writes_and_resumes_lone_surrogates(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    surrogate = "\ud800"
    tasks = write_tasks(
        tmp_path / "tasks.jsonl",
        [
            {"id": "meta", "task": "hi", "metadata": {"note": surrogate}},
            {"id": f"odd-{surrogate}", "task": f"echo {surrogate}"},
            {"id": "plain", "task": "hello"},
        ],
    )
    out = tmp_path / "results.jsonl"
    report = run_batch(config, tasks, out=out, ray=True, concurrency=2)
    assert (report.succeeded, report.failed) == (3, 0), [r.error for r in report.results]
    by_id = {r["id"]: r for r in result_lines(out)}
    assert by_id["meta"]["metadata"] == {"note": surrogate}
    assert by_id[f"odd-{surrogate}"]["final_message"] == f"answer to: echo {surrogate}"
    again = run_batch(config, tasks, out=out, ray=True)
    assert (again.skipped, len(again.results)) == (3, 0)


@pytest.mark.usefixtures("local_ray")
def test_ray_mode_cancels_runs_in_flight_and_resumes(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any], answers: Answers
) -> None:
    tasks = [{"id": "quick", "task": "one"}] + [
        {"id": f"slow-{n}", "task": f"hang {n}"} for n in range(3)
    ]
    out = tmp_path / "results.jsonl"
    token = CancellationToken()

    def cancel_after_the_quick_one(result: BatchResult) -> None:
        token.cancel()

    first = run_batch(
        config,
        tasks,
        out=out,
        ray=True,
        concurrency=4,
        cancellation_token=token,
        on_result=cancel_after_the_quick_one,
    )
    assert first.cancelled
    assert [r["id"] for r in result_lines(out)] == ["quick"]

    answers.release()
    second = run_batch(config, tasks, out=out, ray=True, concurrency=4)
    assert second.skipped == 1
    assert sorted(r.id for r in second) == ["slow-0", "slow-1", "slow-2"]
    assert sorted(r["id"] for r in result_lines(out)) == ["quick", "slow-0", "slow-1", "slow-2"]


@pytest.mark.usefixtures("local_ray")
def test_workers_that_cannot_load_the_config_stop_the_batch_before_any_task(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    # The key comes from a variable set nowhere: only the workers load the config in Ray mode.
    config["config"]["model_client"]["config"]["api_key"] = {"$env": "AGENTPARTS_UNSET_KEY"}
    out = tmp_path / "results.jsonl"
    with pytest.raises(BatchInputError, match="Ray workers cannot load") as caught:
        run_batch(config, ["hello"], out=out, ray=True)
    assert "AGENTPARTS_UNSET_KEY" in str(caught.value)
    assert not out.exists()
    assert server.requests == []


@pytest.mark.usefixtures("local_ray")
def test_the_command_runs_on_ray(
    tmp_path: Path, server: OpenAITestServer, config_file: Path
) -> None:
    tasks = write_tasks(tmp_path / "tasks.jsonl", [f'"question {n}"' for n in range(5)])
    out = tmp_path / "results.jsonl"
    code, stdout, stderr = invoke_cli(
        ["batch", str(config_file), str(tasks), "--out", str(out), "--ray"]
    )
    assert code == 0, stderr
    assert sorted(r["final_message"] for r in result_lines(out)) == [
        f"answer to: question {n}" for n in range(5)
    ]
    summary = dict(line.strip().rsplit(None, 1) for line in stdout.splitlines()[1:11])
    assert (summary["done"], summary["failed"]) == ("5", "0")
