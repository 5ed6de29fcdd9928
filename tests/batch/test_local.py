"""Local (asyncio) batches against the real local OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from agentparts import CancellationToken
from agentparts._component_model import ComponentModel
from agentparts.agents import BaseChatAgent
from agentparts.base import ChatAgent, Response
from agentparts.batch import BatchResult, BatchTask, read_results, run_batch, run_batch_async
from agentparts.batch._execute import AgentFactory, run_task
from agentparts.errors import BatchInputError
from agentparts.messages import BaseChatMessage, TextMessage
from agentparts.testing import OpenAITestServer

from .conftest import (
    COMPLETION_TOKENS,
    PROMPT_TOKENS,
    Answers,
    result_lines,
    user_messages,
    write_tasks,
)


def test_every_task_is_recorded_failures_and_timeouts_included(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    tasks = write_tasks(
        tmp_path / "tasks.jsonl",
        [
            {"id": "a", "task": "Say hi", "metadata": {"split": "dev"}},
            "{this line is broken",
            {"id": "b", "task": "fail on purpose"},
            {"id": "c", "task": "hang forever"},
            '"Name a colour"',
        ],
    )
    out = tmp_path / "results.jsonl"
    seen: list[BatchResult] = []
    report = run_batch(config, tasks, out=out, concurrency=3, timeout=3, on_result=seen.append)
    assert [(e.line, "not valid JSON" in e.message) for e in report.input_errors] == [(2, True)]
    assert sorted(r.id for r in report) == ["a", "b", "c", "line-5"]
    assert seen == report.results
    assert 0 < report.startup < report.elapsed and report.tasks_per_second > 0
    assert (report.succeeded, report.failed, report.skipped, report.cancelled) == (2, 2, 0, False)
    assert report.prompt_tokens == 2 * PROMPT_TOKENS
    assert report.completion_tokens == 2 * COMPLETION_TOKENS
    by_id = {record["id"]: record for record in result_lines(out)}
    assert set(by_id) == {"a", "b", "c", "line-5"}
    assert by_id["a"]["final_message"] == "answer to: Say hi"
    assert by_id["a"]["error"] is None
    assert by_id["a"]["usage"] == {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": COMPLETION_TOKENS,
    }
    assert by_id["a"]["metadata"] == {"split": "dev"}
    assert by_id["a"]["duration"] > 0
    assert by_id["line-5"]["final_message"] == "answer to: Name a colour"
    assert by_id["b"]["final_message"] is None
    assert "context" in by_id["b"]["error"].lower()
    assert by_id["c"]["error"] == "Timed out after 3 s."
    assert by_id["c"]["usage"] == {"prompt_tokens": 0, "completion_tokens": 0}


def test_each_task_gets_a_fresh_agent(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    texts = [f"question {n}" for n in range(6)]
    report = run_batch(config, texts, concurrency=2)
    assert report.succeeded == 6
    # No request carries another task's conversation: every agent started empty.
    assert sorted(tuple(user_messages(r)) for r in server.requests) == [(t,) for t in texts]
    assert sorted(r.final_message or "" for r in report) == [f"answer to: {t}" for t in texts]


def test_rerunning_with_the_same_out_skips_finished_tasks_and_retries_only_when_asked(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    tasks = [{"id": str(n), "task": f"task {n}"} for n in range(4)] + [
        {"id": "bad", "task": "fail please"}
    ]
    out = tmp_path / "results.jsonl"
    first = run_batch(config, tasks, out=out)
    assert (first.succeeded, first.failed, first.skipped) == (4, 1, 0)
    requests_after_first = len(server.requests)

    again = run_batch(config, tasks, out=out)
    assert (len(again), again.skipped) == (0, 5)
    assert len(server.requests) == requests_after_first

    retried = run_batch(config, tasks, out=out, retry_failed=True)
    assert [r.id for r in retried] == ["bad"] and retried.skipped == 4
    assert [r["id"] for r in result_lines(out)].count("bad") == 2
    assert {r.id for r in read_results(out)} == {"0", "1", "2", "3", "bad"}


def test_a_cancelled_batch_keeps_finished_results_and_resumes(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any], answers: Answers
) -> None:
    tasks = [{"id": "quick-1", "task": "one"}, {"id": "quick-2", "task": "two"}] + [
        {"id": f"slow-{n}", "task": f"hang {n}"} for n in range(3)
    ]
    out = tmp_path / "results.jsonl"
    token = CancellationToken()

    def hanging_requests() -> int:
        return sum(1 for r in server.requests if user_messages(r)[0].startswith("hang"))

    def cancel_when_quick_ones_are_done_and_slow_ones_in_flight() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = out.exists() and {r["id"] for r in result_lines(out)} >= {"quick-1", "quick-2"}
            if done and hanging_requests() == 3:
                break
            time.sleep(0.01)
        token.cancel()

    canceller = threading.Thread(target=cancel_when_quick_ones_are_done_and_slow_ones_in_flight)
    canceller.start()
    first = run_batch(config, tasks, out=out, concurrency=5, cancellation_token=token)
    canceller.join()
    assert first.cancelled
    assert sorted(r.id for r in first) == ["quick-1", "quick-2"]
    # The cancelled runs left no result, so they run again on resume.
    assert sorted(r["id"] for r in result_lines(out)) == ["quick-1", "quick-2"]
    assert hanging_requests() == 3

    answers.release()
    second = run_batch(config, tasks, out=out, concurrency=5)
    assert not second.cancelled
    assert second.skipped == 2
    assert sorted(r.id for r in second) == ["slow-0", "slow-1", "slow-2"]
    assert all(r.ok for r in second)
    assert sorted(r["id"] for r in result_lines(out)) == sorted(t["id"] for t in tasks)


async def test_cancelling_the_calling_task_cancels_runs_in_flight(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    # The server runs in its own thread (fixture), so this loop only runs the batch.
    out = tmp_path / "results.jsonl"
    first_result = asyncio.Event()
    batch = asyncio.create_task(
        run_batch_async(
            config,
            ["quick", "hang 1", "hang 2"],
            out=out,
            concurrency=3,
            on_result=lambda result: first_result.set(),
        )
    )
    await first_result.wait()
    batch.cancel()
    with pytest.raises(asyncio.CancelledError):
        await batch
    assert [r["id"] for r in result_lines(out)] == ["task-1"]


def test_a_config_that_is_not_a_usable_agent_fails_before_any_task(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    out = tmp_path / "results.jsonl"
    with pytest.raises(BatchInputError, match="no task was run"):
        run_batch(config["config"]["model_client"], ["hello"], out=out)
    with pytest.raises(BatchInputError, match="no task was run"):
        run_batch(tmp_path / "missing.json", ["hello"], out=out)
    with pytest.raises(BatchInputError, match="concurrency"):
        run_batch(config, ["hello"], out=out, concurrency=0)
    assert not out.exists()
    assert server.requests == []


def test_an_agent_object_runs_as_fresh_copies_with_its_secret_key(
    tmp_path: Path, answers: Answers
) -> None:
    from agentparts.agents import AssistantAgent
    from agentparts.models.openai import OpenAIChatCompletionClient

    with OpenAITestServer(default_reply=answers, api_key="s3cret") as keyed:
        client = OpenAIChatCompletionClient(
            "gpt-4o-mini", base_url=keyed.base_url, api_key="s3cret", max_retries=0
        )
        agent = AssistantAgent("original", model_client=client)
        out = tmp_path / "results.jsonl"
        report = run_batch(agent, ["first", "second"], out=out)
        assert [r.error for r in report] == [None, None]
        assert {r.final_message for r in report} == {"answer to: first", "answer to: second"}
        # The original agent was not used: its history is empty.
        assert asyncio.run(agent.save_state())["llm_context"]["messages"] == []
        # The secret went to the server, never to the results file.
        assert "s3cret" not in out.read_text(encoding="utf-8")
        assert {r.headers["authorization"] for r in keyed.requests} == {"Bearer s3cret"}


def test_a_token_cancelled_beforehand_runs_nothing(
    tmp_path: Path, server: OpenAITestServer, config: dict[str, Any]
) -> None:
    token = CancellationToken()
    token.cancel()
    out = tmp_path / "results.jsonl"
    report = run_batch(config, ["one", "two"], out=out, cancellation_token=token)
    assert report.cancelled and len(report) == 0
    assert result_lines(out) == []
    assert server.requests == []


class _ExitingAgent(BaseChatAgent):
    """An agent whose code calls sys.exit() (as a careless tool function might)."""

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        sys.exit(3)

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        pass


class _ExitingFactory(AgentFactory):
    def new_agent(self) -> ChatAgent:
        return _ExitingAgent("exits", "calls sys.exit()")


async def test_sys_exit_in_an_agent_fails_that_task_only(config: dict[str, Any]) -> None:
    factory = _ExitingFactory(ComponentModel.model_validate(config))
    result = await run_task(factory, BatchTask(id="x", task="go"))
    assert result.error == "SystemExit: 3"
    assert result.final_message is None
