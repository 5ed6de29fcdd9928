"""The team_cancel_latency and magentic_one_start rows: registered, scripted, and runnable.

No timing is asserted: the scenarios' figures are read in ``scripts/bench``. These tests
check that the rows reach a scenario, that the benchmark server scripts what the scenarios
need (a stalled model, fenced-JSON ledgers), and that the scenarios run to an ``ok``
result against that server (their own checks: the cancelled run ended with no task left,
Magentic-One read the fenced ledgers and finished after one agent turn).
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from agentparts.testing import RecordedRequest

from .conftest import BENCHMARKS

FENCED = re.compile(r"^```json\n(.*)\n```$", re.DOTALL)


def bench_module(name: str) -> Any:
    """A module of benchmarks/ (on sys.path through conftest; not a package)."""
    return importlib.import_module(name)


def request(*contents: str) -> RecordedRequest:
    messages = [{"role": "user", "content": c} for c in contents]
    body = {"model": "m", "messages": messages}
    return RecordedRequest("POST", "/v1/chat/completions", {}, body)


def test_every_row_names_a_scenario_the_runner_runs():
    runner = bench_module("run")
    rows: list[Any] = runner.ROWS
    keys: set[str] = {s.key for s in runner.SCENARIO_LIST}
    assert {"team_cancel_latency", "magentic_one_start"} <= keys
    assert not {row.scenario for row in rows} - keys
    targets: dict[tuple[str, str], Any] = {(r.scenario, r.metric): r.target for r in rows}
    cancel = targets[("team_cancel_latency", "cancel")]
    start = targets[("magentic_one_start", "first_speaker")]
    assert (cancel.kind, cancel.value) == ("below", 100.0)
    assert (start.kind, start.value) == ("below", 1000.0)


def test_server_stalls_on_the_stall_marker():
    respond = bench_module("server").respond
    stalled = respond(request("BENCH_STALL: answer slowly."))
    assert stalled.delay >= 30 and stalled.content
    assert respond(request("Say hello.")).delay == 0


def test_server_answers_a_ledger_request_with_fenced_json_until_the_step_is_done():
    respond = bench_module("server").respond
    prompt = 'Answer with "is_request_satisfied" and "next_speaker" as JSON.'
    first: str = respond(request("Say hello.", prompt)).content
    match = FENCED.match(first)
    assert match, first
    ledger: dict[str, Any] = json.loads(match.group(1))
    assert ledger["is_request_satisfied"]["answer"] is False
    assert ledger["next_speaker"]["answer"] == "assistant"
    step: str = ledger["instruction_or_question"]["answer"]
    answer: str = respond(request(step)).content
    assert answer.startswith("BENCH_LEDGER_DONE")
    second: str = respond(request("Say hello.", step, answer, prompt)).content
    match = FENCED.match(second)
    assert match, second
    assert json.loads(match.group(1))["is_request_satisfied"]["answer"] is True


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(BENCHMARKS / "server.py")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.match(r"listening on (\S+)", line)
        assert match, line
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def scenario(base_url: str, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            *(sys.executable, str(BENCHMARKS / "scenarios" / "team.py"), "--impl", "agentparts"),
            *("--quick", "--mode", mode, "--base-url", base_url),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_cancel_scenario_ends_the_run_and_leaves_no_task(base_url: str):
    data = scenario(base_url, "cancel_latency")
    assert data["status"] == "ok", data
    assert len(data["metrics"]["cancel"]["samples"]) == 5
    assert data["info"]["tasks_left"] == 0


def test_magentic_one_scenario_reads_fenced_ledgers(base_url: str):
    data = scenario(base_url, "magentic_one")
    assert data["status"] == "ok", data
    assert set(data["metrics"]) == {"first_request", "first_speaker", "run"}
    assert all(len(m["samples"]) == 5 for m in data["metrics"].values())
