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

import pytest

from agentparts.teams import RoundRobinGroupChat, SqliteCheckpointStore
from agentparts.testing import OpenAITestServer, RecordedRequest, ScriptedReply

from .conftest import assistant

CHILD = textwrap.dedent(
    """
    import asyncio, json, sys
    from agentparts.agents import AssistantAgent
    from agentparts.models.openai import OpenAIChatCompletionClient
    from agentparts.teams import RoundRobinGroupChat, SqliteCheckpointStore

    async def main(base_url, db):
        client = OpenAIChatCompletionClient(model="gpt-4o", base_url=base_url, api_key="k")
        team = RoundRobinGroupChat(
            [AssistantAgent(n, client) for n in ("planner", "writer", "critic")], max_turns=6
        )
        team.enable_checkpoints(SqliteCheckpointStore(db), key="trip")
        resumed = await team.load_checkpoint()
        result = await team.run(task=None if resumed else "Plan a trip.")
        print(json.dumps({"resumed": resumed, "stop": result.stop_reason,
                          "said": [m.to_text() for m in result.messages]}))
        await client.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


@pytest.mark.timeout(60)
def test_a_team_killed_mid_run_resumes_without_repeating_a_turn(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    db = tmp_path / "teams.db"
    count = 0

    def reply(request: RecordedRequest) -> ScriptedReply:
        nonlocal count
        count += 1
        # The fourth model call (turn 4) hangs: the child is killed while waiting for it.
        return ScriptedReply(f"answer {count}", delay=30 if count == 4 else 0)

    with OpenAITestServer(default_reply=reply) as server:
        child = subprocess.Popen(
            [sys.executable, str(script), server.base_url, str(db)],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
        )
        deadline = time.monotonic() + 30
        while len(server.requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(server.requests) == 4
        child.send_signal(signal.SIGKILL)
        child.wait(10)

        done = subprocess.run(
            [sys.executable, str(script), server.base_url, str(db)],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        report = json.loads(done.stdout)
        requests = server.requests
    assert report["resumed"] is True
    assert report["stop"] == "Maximum number of turns 6 reached."
    # Turns 4-6 ran again from the checkpoint of turn 3: three calls, not six.
    assert len(requests) == 7
    first_resumed = [m["content"] for m in requests[4].messages]
    assert first_resumed[1:] == ["Plan a trip.", "answer 1", "answer 2", "answer 3"]
    assert report["said"] == ["answer 5", "answer 6", "answer 7"]


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
