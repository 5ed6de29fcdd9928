"""Durable teams: a process killed with SIGKILL mid-run resumes from its last turn."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from agentparts.teams import RoundRobinGroupChat, SqliteCheckpointStore
from agentparts.testing import OpenAITestServer, RecordedRequest, ScriptedReply

from .conftest import assistant

CHILD = textwrap.dedent(
    """
    import asyncio, json, sys
    from agentparts.agents import AssistantAgent
    from agentparts.conditions import MaxMessageTermination, TokenUsageTermination
    from agentparts.models.openai import OpenAIChatCompletionClient
    from agentparts.teams import RoundRobinGroupChat, SqliteCheckpointStore

    STOPS = {
        "turns": (None, 6),
        # the task and five answers; max_turns only bounds a broken count
        "messages": (MaxMessageTermination(6), 10),
        # every answer reports 10 tokens: five answers
        "tokens": (TokenUsageTermination(max_total_token=50), 10),
    }

    async def main(base_url, db, stop):
        client = OpenAIChatCompletionClient(model="gpt-4o", base_url=base_url, api_key="k")
        condition, max_turns = STOPS[stop]
        team = RoundRobinGroupChat(
            [AssistantAgent(n, client) for n in ("planner", "writer", "critic")],
            termination_condition=condition,
            max_turns=max_turns,
        )
        if db != "-":
            team.enable_checkpoints(SqliteCheckpointStore(db), key="trip")
        resumed = db != "-" and await team.load_checkpoint()
        result = await team.run(task=None if resumed else "Plan a trip.")
        print(json.dumps({"resumed": resumed, "stop": result.stop_reason,
                          "said": [m.to_text() for m in result.messages]}))
        await client.close()

    asyncio.run(main(*sys.argv[1:]))
    """
)

STOP_REASONS = {
    "turns": "Maximum number of turns 6 reached.",
    "messages": "Maximum number of messages 6 reached, current message count: 6",
    "tokens": "Token usage limit reached, total token count: 50, prompt token count: 50, "
    "completion token count: 0.",
}


def _run_child(script: Path, base_url: str, db: str, stop: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(script), base_url, db, stop],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env=_child_env(),
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}


def _uninterrupted(script: Path, stop: str) -> list[str]:
    """What a run that nobody kills says (answers counted from 1)."""
    count = 0

    def reply(request: RecordedRequest) -> ScriptedReply:
        nonlocal count
        count += 1
        return ScriptedReply(f"answer {count}", prompt_tokens=10, completion_tokens=0)

    with OpenAITestServer(default_reply=reply) as server:
        report = _run_child(script, server.base_url, "-", stop)
    assert report["stop"] == STOP_REASONS[stop]
    return report["said"]


@pytest.mark.timeout(90)
@pytest.mark.parametrize("stop", ["turns", "messages", "tokens"])
def test_a_team_killed_mid_run_resumes_without_repeating_a_turn(tmp_path: Path, stop: str) -> None:
    """Killed while waiting for turn 4: the resumed run makes turns 4 onwards once, and its
    termination condition goes on counting from the checkpoint (the run stops where an
    uninterrupted run stops)."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    db = tmp_path / "teams.db"
    count = 0

    def reply(request: RecordedRequest) -> ScriptedReply:
        nonlocal count
        count += 1
        # The fourth model call (turn 4) hangs: the child is killed while waiting for it.
        delay = 30 if count == 4 else 0
        return ScriptedReply(f"answer {count}", prompt_tokens=10, completion_tokens=0, delay=delay)

    with OpenAITestServer(default_reply=reply) as server:
        child = subprocess.Popen(
            [sys.executable, str(script), server.base_url, str(db), stop],
            stdout=subprocess.DEVNULL,
            env=_child_env(),
        )
        deadline = time.monotonic() + 30
        while len(server.requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(server.requests) == 4
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        report = _run_child(script, server.base_url, str(db), stop)
        requests = server.requests
    assert report["resumed"] is True
    assert report["stop"] == STOP_REASONS[stop]
    whole = _uninterrupted(script, stop)
    # The killed call (answer 4) is made again as call 5: answers after it are one ahead.
    resumed = [f"answer {int(text.split()[1]) - 1}" for text in report["said"]]
    assert whole[:4] == ["Plan a trip.", "answer 1", "answer 2", "answer 3"]
    assert resumed == whole[4:]
    assert len(requests) == 4 + len(resumed)
    first_resumed = [m["content"] for m in requests[4].messages]
    assert first_resumed[1:] == ["Plan a trip.", "answer 1", "answer 2", "answer 3"]


async def test_checkpoints_are_written_after_each_turn_and_load_into_a_new_team(
    tmp_path: Path,
) -> None:
    store = SqliteCheckpointStore(tmp_path / "teams.db")
    team = RoundRobinGroupChat([assistant("a", "a1"), assistant("b", "b1")], max_turns=2)
    team.enable_checkpoints(store)
    await team.run(task="go")
    saved = await store.load("RoundRobinGroupChat")
    assert saved is not None
    thread = saved["agent_states"]["RoundRobinGroupChatManager"]["message_thread"]
    assert [m["content"] for m in thread] == ["go", "a1", "b1"]
    fresh = RoundRobinGroupChat([assistant("a", "a2"), assistant("b")], max_turns=1)
    fresh.enable_checkpoints(store)
    assert await fresh.load_checkpoint()
    result = await fresh.run()
    assert [m.to_text() for m in result.messages] == ["a2"]
    await store.delete("RoundRobinGroupChat")
    assert await store.load("RoundRobinGroupChat") is None
    store.close()
    with pytest.raises(RuntimeError, match="enable_checkpoints"):
        await RoundRobinGroupChat([assistant("a")]).load_checkpoint()


ASKING = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from agentparts.agents import AssistantAgent, UserProxyAgent
    from agentparts.messages import BaseChatMessage
    from agentparts.models.openai import OpenAIChatCompletionClient
    from agentparts.teams import RoundRobinGroupChat, SqliteCheckpointStore

    def wait_for_a_person(prompt):
        print("ASKED", flush=True)
        time.sleep(60)  # nobody answers here: the process is killed
        return "too late"

    def answer_now(prompt):
        return "Ship it."

    async def main(base_url, db, role):
        client = OpenAIChatCompletionClient(model="gpt-4o", base_url=base_url, api_key="k")
        ask = wait_for_a_person if role == "ask" else answer_now
        team = RoundRobinGroupChat(
            [AssistantAgent("writer", client), UserProxyAgent("reviewer", input_func=ask)],
            max_turns=3,
        )
        team.enable_checkpoints(SqliteCheckpointStore(db), key="review")
        if role == "ask":
            await team.run(task="Write a slogan.")
            return
        assert await team.load_checkpoint()
        question = [m for m in (await team.save_state())["agent_states"]
                    ["RoundRobinGroupChatManager"]["message_thread"]][-1]["content"]
        pending = team.pending_speakers
        result = await team.run()
        print(json.dumps({"pending": pending, "question": question, "stop": result.stop_reason,
                          "said": [f"{m.source}: {m.to_text()}" for m in result.messages
                                   if isinstance(m, BaseChatMessage)]}))
        await client.close()

    asyncio.run(main(*sys.argv[1:]))
    """
)


@pytest.mark.timeout(90)
def test_a_user_proxy_question_is_answered_later_from_another_process(tmp_path: Path) -> None:
    """The asking process is killed while the person has not answered; another process
    finds the question pending in the checkpoint and answers it: the writer's turn is not
    repeated."""
    script = tmp_path / "asking.py"
    script.write_text(ASKING)
    db = tmp_path / "teams.db"
    count = 0

    def reply(request: RecordedRequest) -> ScriptedReply:
        nonlocal count
        count += 1
        return ScriptedReply(f"slogan {count}")

    with OpenAITestServer(default_reply=reply) as server:
        asking = subprocess.Popen(
            [sys.executable, str(script), server.base_url, str(db), "ask"],
            stdout=subprocess.PIPE,
            text=True,
            env=_child_env(),
        )
        assert asking.stdout is not None
        assert asking.stdout.readline().strip() == "ASKED"
        asking.send_signal(signal.SIGKILL)
        asking.wait(10)
        asking.stdout.close()
        report = _run_child(script, server.base_url, str(db), "answer")
        calls = len(server.requests)
    assert report["pending"] == ["reviewer"]
    assert report["question"] == "slogan 1"
    # The person's answer, then the writer's second (not repeated first) slogan.
    assert report["said"] == ["reviewer: Ship it.", "writer: slogan 2"]
    assert report["stop"] == "Maximum number of turns 3 reached."
    assert calls == 2


async def test_a_resumed_selector_turn_does_not_ask_the_selector_again(tmp_path: Path) -> None:
    """Stopped during a speaker's turn (as by a kill), the resumed run gives that speaker
    the turn: the selector model is not called again for it."""
    from agentparts import CancellationToken
    from agentparts.models.replay import ReplayChatCompletionClient
    from agentparts.teams import SelectorGroupChat

    from .conftest import Slow

    store = SqliteCheckpointStore(tmp_path / "teams.db")
    selector = ReplayChatCompletionClient(["slow", "fast"])
    slow = Slow("slow", 30)
    team = SelectorGroupChat(
        [slow, assistant("fast", "f1")], selector, max_turns=2, allow_repeated_speaker=True
    )
    team.enable_checkpoints(store, key="pick")
    token = CancellationToken()
    running = asyncio.ensure_future(team.run(task="go", cancellation_token=token))
    await slow.started.wait()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert len(selector.calls) == 1

    resumed_selector = ReplayChatCompletionClient(["fast"])
    fresh = SelectorGroupChat(
        [Slow("slow", 0), assistant("fast", "f1")],
        resumed_selector,
        max_turns=2,
        allow_repeated_speaker=True,
    )
    fresh.enable_checkpoints(store, key="pick")
    assert await fresh.load_checkpoint()
    assert fresh.pending_speakers == ["slow"]
    result = await fresh.run()
    assert [m.to_text() for m in result.messages] == ["slow done", "f1"]
    # One selector call, for the second turn: the first turn's choice came from the checkpoint.
    assert len(resumed_selector.calls) == 1
    assert fresh.pending_speakers == []
    store.close()
