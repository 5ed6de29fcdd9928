"""``agentparts batch``: in process, and as a real process interrupted by Ctrl-C or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentparts.batch import run_batch
from agentparts.cli import main
from agentparts.cli._main import build_parser
from agentparts.errors import BatchInputError
from agentparts.testing import OpenAITestServer

from .conftest import Answers, invoke_cli, result_lines, write_tasks


def _command(config_file: Path, tasks: Path, out: Path, *extra: str) -> list[str]:
    return [str(config_file), str(tasks), "--out", str(out), *extra]


def test_the_command_reports_bad_lines_failures_and_a_summary(
    tmp_path: Path,
    server: OpenAITestServer,
    config_file: Path,
) -> None:
    tasks = write_tasks(
        tmp_path / "tasks.jsonl",
        [{"id": "a", "task": "Say hi"}, "not json", {"id": "b", "task": "fail now"}, "x"],
    )
    out = tmp_path / "results.jsonl"
    code, stdout, stderr = invoke_cli(
        ["batch", *_command(config_file, tasks, out, "--concurrency", "2")]
    )
    assert code == 1  # a task failed and a line was bad
    assert f"Skipping {tasks} line 2: not valid JSON" in stderr
    assert f"Skipping {tasks} line 4:" in stderr  # a bare word is not JSON either
    summary = dict(line.strip().rsplit(None, 1) for line in stdout.splitlines()[1:11])
    assert summary["done"] == "1"
    assert summary["failed"] == "1"
    assert summary["bad input lines"] == "2"
    assert summary["prompt tokens"] == "10"
    assert "failed b: ModelContextLengthError" in stdout
    assert sorted(r["id"] for r in result_lines(out)) == ["a", "b"]

    # Run again: nothing left to do, and the failed task is retried only when asked.
    code, stdout, stderr = invoke_cli(["batch", *_command(config_file, tasks, out)])
    assert code == 1
    assert "Skipping 2 tasks already in the results file." in stderr
    invoke_cli(["batch", *_command(config_file, tasks, out, "--retry-failed")])
    assert [r["id"] for r in result_lines(out)].count("b") == 2


def test_bad_arguments_and_a_missing_tasks_file_are_clear_errors(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.jsonl"
    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["batch", *_command(config_file, tmp_path / "t.jsonl", out, "--concurrency", "0")]
        )
    assert "must be at least 1" in capsys.readouterr().err
    with pytest.raises(BatchInputError, match="does not exist"):
        invoke_cli(["batch", *_command(config_file, tmp_path / "t.jsonl", out)])
    assert main(["batch", *_command(config_file, tmp_path / "t.jsonl", out)]) == 1
    assert not out.exists()


def _start(config_file: Path, tasks: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "agentparts.cli", "batch", *_command(config_file, tasks, out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for_results(process: subprocess.Popen[str], out: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and len(result_lines(out)) >= count:
            return
        if process.poll() is not None:
            raise AssertionError(f"the batch ended early: {process.communicate()}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the quick tasks did not finish in 60 s")


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_an_interrupted_or_killed_batch_keeps_its_results_and_resumes(
    how: str,
    tmp_path: Path,
    server: OpenAITestServer,
    config_file: Path,
    config: dict[str, object],
    answers: Answers,
) -> None:
    tasks = write_tasks(
        tmp_path / "tasks.jsonl",
        [{"id": "q1", "task": "one"}, {"id": "q2", "task": "two"}]
        + [{"id": f"h{n}", "task": f"hang {n}"} for n in range(3)],
    )
    out = tmp_path / "results.jsonl"
    process = _start(config_file, tasks, out)
    _wait_for_results(process, out, 2)
    if how == "ctrl-c":
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        assert "Stopping: no new runs" in stderr
        assert "Interrupted: 2 results of this run are kept" in stderr
        assert stdout.startswith("Batch interrupted")
    else:
        process.kill()
        process.communicate(timeout=60)
    assert sorted(r["id"] for r in result_lines(out)) == ["q1", "q2"]

    answers.release()
    resumed = run_batch(config, tasks, out=out, concurrency=5)
    assert resumed.skipped == 2
    assert sorted(r.id for r in resumed) == ["h0", "h1", "h2"]
    assert sorted(r["id"] for r in result_lines(out)) == ["h0", "h1", "h2", "q1", "q2"]
