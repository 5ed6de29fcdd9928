"""``agentparts demo`` and the local-model example, end to end in subprocesses."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from agentparts.models.llama_cpp._prompt import prose_reply
from agentparts.testing import OpenAITestServer, ScriptedReply, ScriptedToolCall

from .conftest import EXAMPLES, REPO, cli_env, run_cli


def _events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _final_answer(events: list[dict[str, Any]], source: str = "assistant") -> str:
    """The last message's text from the agent ``source``, checked to be prose: not a tool
    call in JSON."""
    answers = [e for e in events if e.get("source") == source and "Message" in str(e["type"])]
    assert answers, events
    assert answers[-1]["type"] == "TextMessage", answers[-1]
    text = str(answers[-1]["content"])
    assert text.strip()
    assert prose_reply(text) == text, f"the answer is JSON, not prose: {text!r}"
    assert '"tool"' not in text and '"arguments"' not in text
    return text


def test_demo_uses_the_openai_endpoint_when_configured(server: OpenAITestServer) -> None:
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("calculator", {"expression": "6 * 7"})]),
        ScriptedReply("6 * 7 = 42."),
    )
    result = run_cli("demo", "--task", "What is 6 * 7?", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert f"Using the OpenAI-compatible endpoint {server.base_url}" in result.stderr
    assert "calculator" in result.stdout
    assert "42" in result.stdout
    assert "6 * 7 = 42." in result.stdout
    first_tools = {t["function"]["name"] for t in server.requests[0].body["tools"]}
    assert "calculator" in first_tools


def _team_turns(events: list[dict[str, Any]]) -> dict[str, str]:
    """The team's answers by speaker, each checked to be prose: not a tool call in JSON."""
    turns = {
        e["source"]: str(e["content"])
        for e in events
        if e["type"] == "TextMessage" and e["source"] in ("writer", "critic")
    }
    assert set(turns) == {"writer", "critic"}, events
    for text in turns.values():
        assert text.strip()
        assert prose_reply(text) == text, f"the answer is JSON, not prose: {text!r}"
        assert '"tool"' not in text and '"arguments"' not in text
    return turns


def test_demo_then_runs_a_writer_and_critic_team(server: OpenAITestServer) -> None:
    server.script(
        ScriptedReply("Hello."),
        ScriptedReply("Steam curls from the cup."),
        ScriptedReply("8 of 10: the steam is vivid."),
    )
    result = run_cli("demo", "--task", "Hello", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert result.stderr.count("Using the OpenAI-compatible endpoint") == 1
    header = "A small team: a writer and a critic take turns (RoundRobinGroupChat"
    assert header in result.stdout
    team = result.stdout.split(header, 1)[1]
    assert "TextMessage (user)" in team and "Write a haiku about tea." in team
    assert "TextMessage (writer)" in team and "Steam curls from the cup." in team
    assert "TextMessage (critic)" in team and "8 of 10: the steam is vivid." in team
    assert "Stop reason: Maximum number of messages 3 reached" in team
    assert len(server.requests) == 3
    writer, critic = (r.body for r in server.requests[1:])
    assert "tools" not in writer and "tools" not in critic
    assert writer["messages"][0]["content"].startswith("You are a poet.")
    assert critic["messages"][0]["content"].startswith("You are a critic.")
    assert "Steam curls from the cup." in json.dumps(critic["messages"])


def test_demo_no_team_runs_only_the_assistant(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Hello."))
    result = run_cli("demo", "--task", "Hello", "--no-team", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert "A small team" not in result.stdout
    assert len(server.requests) == 1


def test_team_example_loads_and_runs_against_an_endpoint(
    server: OpenAITestServer, tmp_path: Path
) -> None:
    config = yaml.safe_load((EXAMPLES / "team.yaml").read_text())
    for participant in config["config"]["participants"]:
        assert participant["config"]["model_client"]["provider"] == "llama_cpp"
        participant["config"]["model_client"] = {
            "provider": "openai",
            "config": {"model": "gpt-4o-mini", "base_url": server.base_url, "api_key": "k"},
        }
    copy = tmp_path / "team.json"
    copy.write_text(json.dumps(config))
    server.script(ScriptedReply("Steam curls from the cup."), ScriptedReply("7 of 10: calm."))
    result = run_cli("run", str(copy), "--task", "Write a haiku about tea.", "--json")
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    assert _team_turns(events) == {
        "writer": "Steam curls from the cup.",
        "critic": "7 of 10: calm.",
    }
    assert events[-1]["type"] == "TaskResult" and events[-1]["messages"] == 3
    assert len(server.requests) == 2


def test_team_example_runs_no_host_code() -> None:
    result = run_cli("config", "inspect", str(EXAMPLES / "team.yaml"))
    assert result.code == 0, result.stderr
    assert "agentparts.teams.RoundRobinGroupChat" in result.stdout
    assert "starts nothing, runs no code outside agentparts, uses no network" in result.stdout
    assert "Loading it with --untrusted: allowed." in result.stdout


def test_demo_reports_a_calculator_error_to_the_model(server: OpenAITestServer) -> None:
    server.script(
        ScriptedReply(
            tool_calls=[ScriptedToolCall("calculator", {"expression": '__import__("os")'})]
        ),
        ScriptedReply("Sorry."),
    )
    result = run_cli("demo", "--json", env=cli_env(server))
    assert result.code == 0, result.stderr
    executions = [e for e in _events(result.stdout) if e["type"] == "ToolCallExecutionEvent"]
    [outcome] = executions[0]["content"]
    assert outcome["is_error"]
    assert "not arithmetic" in outcome["content"]


@pytest.mark.slow
@pytest.mark.timeout(320)
def test_demo_on_the_embedded_model_calls_a_tool_and_answers() -> None:
    """The smoke test of the README's first command: the offline model, no endpoint."""
    pytest.importorskip("llama_cpp")
    result = run_cli("demo", "--json", "--local", timeout=300)
    assert result.code == 0, result.stderr
    assert "Using the embedded offline model" in result.stderr
    events = _events(result.stdout)
    requests = [e for e in events if e["type"] == "ToolCallRequestEvent"]
    assert requests, events
    [call] = requests[0]["content"]
    assert call["name"] == "calculator"
    assert json.loads(call["arguments"]) == {"expression": "1234 * 5678"}
    executions = [e for e in events if e["type"] == "ToolCallExecutionEvent"]
    assert executions[0]["content"][0]["content"] == "7006652"
    assert "7006652" in _final_answer(events)
    _team_turns(events)  # then the team: a writer and a critic, each with prose
    assert [e["type"] for e in events].count("TaskResult") == 2
    assert events[-1]["type"] == "TaskResult"


@pytest.mark.slow
@pytest.mark.timeout(320)
def test_local_example_searches_the_docs() -> None:
    pytest.importorskip("llama_cpp")
    example = str(EXAMPLES / "local_agent.yaml")
    result = run_cli(
        "run", example, "--task", "How do I install agentparts?", "--json", timeout=300
    )
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    requests = [e for e in events if e["type"] == "ToolCallRequestEvent"]
    assert requests, events
    [call] = requests[0]["content"]
    assert call["name"] == "search_docs"
    arguments = json.loads(call["arguments"])
    # A real query taken from the task, not a template's placeholder such as "<query>"
    assert "install" in arguments["query"].lower()
    assert "<" not in arguments["query"]
    assert 1 <= arguments.get("max_results", 5) <= 20
    [outcome] = next(e for e in events if e["type"] == "ToolCallExecutionEvent")["content"]
    assert not outcome["is_error"], outcome
    assert "[install]" in outcome["content"].lower()  # matches, words in [brackets]
    _final_answer(events)


@pytest.mark.slow
@pytest.mark.timeout(320)
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_code_example_runs_the_models_python_in_the_sandbox() -> None:
    pytest.importorskip("llama_cpp")
    example = str(EXAMPLES / "code_agent.yaml")
    task = "Use Python to print the sum of the numbers from 1 to 10."
    result = run_cli("run", example, "--task", task, "--json", timeout=300)
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    [call] = next(e for e in events if e["type"] == "ToolCallRequestEvent")["content"]
    assert call["name"] == "CodeExecutor"
    assert "print(" in json.loads(call["arguments"])["code"]
    [outcome] = next(e for e in events if e["type"] == "ToolCallExecutionEvent")["content"]
    assert not outcome["is_error"], outcome
    assert outcome["content"].strip()
    _final_answer(events, source="coder")  # the example's agent name


@pytest.mark.slow
@pytest.mark.timeout(320)
def test_team_example_runs_on_the_embedded_model() -> None:
    pytest.importorskip("llama_cpp")
    example = str(EXAMPLES / "team.yaml")
    result = run_cli("run", example, "--task", "Write a haiku about tea.", "--json", timeout=300)
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    _team_turns(events)
    assert events[-1]["type"] == "TaskResult" and events[-1]["messages"] == 3


def test_ctrl_c_stops_the_local_model_mid_answer(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    config = tmp_path / "model.yaml"
    config.write_text("provider: llama_cpp\nconfig:\n  max_tokens: 3000\n")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agentparts.cli",
            "run",
            str(config),
            "--json",
            "--stream",
            "-t",
            "Write a very long story about a dragon.",
        ],
        cwd=REPO,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        chunks = 0
        for line in proc.stdout:
            if json.loads(line)["type"] == "ModelClientStreamingChunkEvent":
                chunks += 1
                if chunks == 5:
                    break
        assert chunks == 5
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Interrupted: stopped cleanly." in stderr
    assert "Traceback" not in stderr


def test_demo_accepts_a_model_agentparts_does_not_know(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Hello from a custom model."))
    env = cli_env(server, OPENAI_MODEL="my-local-llama")
    result = run_cli("demo", "--task", "Hello", env=env)
    assert result.code == 0, result.stderr
    assert "assuming it can call tools" in result.stderr
    assert "Hello from a custom model." in result.stdout
    assert server.requests[0].body["model"] == "my-local-llama"
    assert server.requests[0].body["tools"]
    assert server.last_request.body["model"] == "my-local-llama"  # the team's too
