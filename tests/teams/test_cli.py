"""``agentparts run TEAM_CONFIG``: a team config runs from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agentparts.agents import AssistantAgent, UserProxyAgent
from agentparts.conditions import TextMentionTermination
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import RoundRobinGroupChat

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentparts.cli", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
        env={"NO_COLOR": "1", "PATH": str(Path(sys.executable).parent)},
    )


def test_run_a_team_config_with_a_user_proxy_asking_on_stdin(tmp_path: Path) -> None:
    writer = AssistantAgent("writer", ReplayChatCompletionClient(["A short poem."]))
    team = RoundRobinGroupChat(
        [writer, UserProxyAgent("reviewer")],
        termination_condition=TextMentionTermination("APPROVE"),
    )
    config = tmp_path / "team.json"
    config.write_text(json.dumps(team.dump_component().model_dump(mode="json")))
    done = run_cli("run", str(config), "--task", "Write a poem.", stdin="APPROVE\n")
    assert done.returncode == 0, done.stderr
    assert "---------- TextMessage (writer) ----------\nA short poem." in done.stdout
    assert "---------- TextMessage (reviewer) ----------\nAPPROVE" in done.stdout
    assert "Turns: writer 1, reviewer 1" in done.stdout
    assert "Stop reason: Text 'APPROVE' mentioned" in done.stdout

    as_json = run_cli("run", str(config), "--task", "Again.", "--json", stdin="APPROVE\n")
    lines = [json.loads(line) for line in as_json.stdout.splitlines() if line.startswith("{")]
    assert lines[-1]["type"] == "TaskResult"
    assert lines[-1]["stop_reason"] == "Text 'APPROVE' mentioned"


def test_batch_runs_a_fresh_team_per_task(tmp_path: Path) -> None:
    team = RoundRobinGroupChat(
        [
            AssistantAgent("writer", ReplayChatCompletionClient(["A poem."])),
            AssistantAgent("reviewer", ReplayChatCompletionClient(["APPROVE"])),
        ],
        termination_condition=TextMentionTermination("APPROVE"),
    )
    config = tmp_path / "team.json"
    config.write_text(json.dumps(team.dump_component().model_dump(mode="json")))
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": "a", "task": "One."}\n{"id": "b", "task": "Two."}\n')
    out = tmp_path / "out.jsonl"
    done = run_cli("batch", str(config), str(tasks), "--out", str(out))
    assert done.returncode == 0, done.stderr
    results = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(results) == {"a", "b"}
    assert all(r["final_message"] == "APPROVE" and r["error"] is None for r in results.values())
    assert results["a"]["stop_reason"] == "Text 'APPROVE' mentioned"
