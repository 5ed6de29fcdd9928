"""Durable teams: a process killed with SIGKILL mid-run resumes from its last turn."""

from __future__ import annotations

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
