"""``agentparts run`` in subprocesses against the real local OpenAI-compatible test server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentparts.testing import OpenAITestServer, ScriptedReply, ScriptedToolCall

from .conftest import EXAMPLES, REPO, cli_env, run_cli

OPENAI_EXAMPLE = str(EXAMPLES / "openai_agent.json")
MCP_EXAMPLE = str(EXAMPLES / "mcp_agent.yaml")


def _events(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_run_prints_the_answer(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Paris is the capital of France."))
    result = run_cli("run", OPENAI_EXAMPLE, "--task", "Capital of France?", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert "Capital of France?" in result.stdout
    assert "Paris is the capital of France." in result.stdout
    assert "Summary" in result.stdout
    assert server.last_request.body["stream"] is True


def test_no_stream_sends_a_plain_request(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Hi."))
    result = run_cli("run", OPENAI_EXAMPLE, "-t", "Hello", "--no-stream", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert "Hi." in result.stdout
    assert not server.last_request.body.get("stream")


def test_json_output_is_one_event_per_line(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Four.", prompt_tokens=11, completion_tokens=2))
    result = run_cli("run", OPENAI_EXAMPLE, "--task", "2+2?", "--json", env=cli_env(server))
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    assert events[0]["type"] == "TextMessage"
    assert events[0]["content"] == "2+2?"
    final_messages = [
        e for e in events if e["type"] == "TextMessage" and e["source"] == "assistant"
    ]
    assert final_messages[-1]["content"] == "Four."
    assert events[-1]["type"] == "TaskResult"
    assert events[-1]["usage"] == {"prompt_tokens": 11, "completion_tokens": 2}


def test_task_from_standard_input(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Got it."))
    result = run_cli("run", OPENAI_EXAMPLE, "--json", env=cli_env(server), stdin="Piped task\n")
    assert result.code == 0, result.stderr
    assert _events(result.stdout)[0]["content"] == "Piped task"


def test_no_task_and_no_input_is_a_clear_error(server: OpenAITestServer) -> None:
    result = run_cli("run", OPENAI_EXAMPLE, env=cli_env(server), stdin="")
    assert result.code == 2
    assert "No task" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file() -> None:
    result = run_cli("run", "nowhere.yaml", "--task", "x")
    assert result.code == 1
    assert "nowhere.yaml does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_config(tmp_path: Path) -> None:
    config = tmp_path / "agent.json"
    config.write_text('{"provider": "assistant_agent", "config": {"name": "a"}}')
    result = run_cli("run", str(config), "--task", "x")
    assert result.code == 1
    assert "Invalid config for 'assistant_agent'" in result.stderr
    assert "Traceback" not in result.stderr


def test_refused_provider_names_the_fix(tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    config.write_text("provider: os.system\nconfig: {}\n")
    result = run_cli("run", str(config), "--task", "x")
    assert result.code == 1
    assert "Refused to load provider 'os.system'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_model_file(tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    config.write_text(
        "provider: assistant_agent\nconfig:\n  name: a\n  description: d\n"
        "  model_client:\n    provider: llama_cpp\n    config:\n"
        f"      model_path: {tmp_path / 'gone.gguf'}\n"
    )
    result = run_cli("run", str(config), "--task", "x")
    assert result.code == 1
    assert "gone.gguf does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_unset_secret_variable_is_named() -> None:
    result = run_cli("run", OPENAI_EXAMPLE, "--task", "x")
    assert result.code == 1
    assert "OPENAI_BASE_URL" in result.stderr


def test_model_endpoint_error_is_reported(server: OpenAITestServer) -> None:
    env = cli_env(server)
    env["OPENAI_API_KEY"] = "wrong"
    with OpenAITestServer(api_key="right") as guarded:
        env["OPENAI_BASE_URL"] = guarded.base_url
        result = run_cli("run", OPENAI_EXAMPLE, "--task", "x", env=env)
    assert result.code == 1
    assert "Error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_model_config_runs_as_an_assistant(server: OpenAITestServer, tmp_path: Path) -> None:
    server.script(ScriptedReply("Plain model."))
    config = tmp_path / "model.yaml"
    config.write_text(
        "provider: openai\nconfig:\n  model: gpt-4o-mini\n"
        "  base_url: {$env: OPENAI_BASE_URL}\n  api_key: {$env: OPENAI_API_KEY}\n"
    )
    result = run_cli("run", str(config), "--task", "Hi", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert "Plain model." in result.stdout


@pytest.mark.slow
def test_mcp_example_calls_a_tool_of_the_server(server: OpenAITestServer) -> None:
    pytest.importorskip("mcp")
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 2, "b": 3})]),
        ScriptedReply("2 + 3 = 5."),
    )
    result = run_cli("run", MCP_EXAMPLE, "--task", "What is 2 + 3?", "--json", env=cli_env(server))
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    executions = [e for e in events if e["type"] == "ToolCallExecutionEvent"]
    assert executions
    [outcome] = executions[0]["content"]
    assert outcome["name"] == "add"
    assert outcome["content"] == "5"
    assert not outcome["is_error"]
    assert any(e.get("content") == "2 + 3 = 5." for e in events)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_leaves_no_process(server: OpenAITestServer) -> None:
    pytest.importorskip("mcp")
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("pid", {})]),
        ScriptedReply("never seen", delay=60),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentparts.cli", "run", MCP_EXAMPLE, "-t", "pid?", "--json"],
        cwd=REPO,
        env=cli_env(server),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        mcp_pid = None
        assert proc.stdout is not None
        for line in proc.stdout:
            event = json.loads(line)
            if event["type"] == "ToolCallExecutionEvent":
                mcp_pid = int(event["content"][0]["content"])
                break
        assert mcp_pid is not None and _alive(mcp_pid)
        while len(server.requests) < 2:  # the run now waits for the slow reply
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Interrupted" in stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while _alive(mcp_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(mcp_pid)


def _on_test_server(example: Path, tmp_path: Path) -> str:
    """A copy of an example whose model is the OpenAI-compatible endpoint in OPENAI_*."""
    import yaml

    config = yaml.safe_load(example.read_text())
    endpoint = {"model": "gpt-4o-mini", "base_url": {"$env": "OPENAI_BASE_URL"}}
    endpoint["api_key"] = {"$env": "OPENAI_API_KEY"}
    config["config"]["model_client"] = {"provider": "openai", "config": endpoint}
    copy = tmp_path / f"{example.stem}.json"
    copy.write_text(json.dumps(config))
    return str(copy)


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_code_example_runs_python_in_the_sandbox(server: OpenAITestServer, tmp_path: Path) -> None:
    code = "import os\nprint(6 * 7)\nprint(os.path.exists('/root'))"
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("CodeExecutor", {"code": code})]),
        ScriptedReply("It is 42."),
    )
    example = _on_test_server(EXAMPLES / "code_agent.yaml", tmp_path)  # ships the local model
    result = run_cli("run", example, "--task", "6 * 7 in Python?", "--json", env=cli_env(server))
    assert result.code == 0, result.stderr
    events = _events(result.stdout)
    executions = [e for e in events if e["type"] == "ToolCallExecutionEvent"]
    [outcome] = executions[0]["content"]
    assert not outcome["is_error"]
    assert outcome["content"].split() == ["42", "False"]  # the host's /root is not visible
    assert any(e.get("content") == "It is 42." for e in events)
