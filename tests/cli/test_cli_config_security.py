"""``config inspect``, ``--allow-env`` and ``--untrusted`` in subprocesses, next to a real server."""

from __future__ import annotations

import json
from pathlib import Path

from agentparts.testing import OpenAITestServer, ScriptedReply

from .conftest import EXAMPLES, REPO, cli_env, run_cli

MCP_EXAMPLE = str(EXAMPLES / "mcp_agent.yaml")
OPENAI_EXAMPLE = str(EXAMPLES / "openai_agent.json")
AUTOGEN_LOCAL_EXECUTOR = str(REPO / "tests/porting/data/code_executor_agent.json")


def test_inspect_shows_what_a_config_does_without_its_variables() -> None:
    result = run_cli("config", "inspect", MCP_EXAMPLE, env=cli_env())  # no OPENAI_* set
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "Starts host commands:" in out
    assert "python -m agentparts.testing.mcp_server" in out
    assert "config.workbench[0], mcp_workbench" in out
    assert "Talks to network endpoints:" in out
    assert "Reads environment variables:" in out
    assert "OPENAI_API_KEY" in out
    assert "Loading it with --untrusted: refused" in out


def test_inspect_json_on_an_autogen_config() -> None:
    result = run_cli("config", "inspect", "--json", AUTOGEN_LOCAL_EXECUTOR)
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["components"][0]["provider"] == "autogen_agentchat.agents.CodeExecutorAgent"
    kinds = {(c["kind"], c["path"]) for c in document["capabilities"]}
    assert ("host_code", "config.code_executor") in kinds
    [refusal] = document["untrusted_refusals"]
    assert refusal["path"] == "config.code_executor"
    assert "unsandboxed" in refusal["reason"]


def test_inspect_of_every_example_succeeds() -> None:
    for example in sorted(EXAMPLES.glob("*.*")):
        result = run_cli("config", "inspect", str(example))
        assert result.code == 0, (example, result.stderr)
        assert "Loading it:" in result.stdout


def _model_config(tmp_path: Path) -> str:
    config = tmp_path / "model.yaml"
    config.write_text(
        "provider: openai\nconfig:\n  model: gpt-4o-mini\n"
        "  base_url: {$env: MY_ENDPOINT}\n  api_key: {$env: MY_KEY}\n"
    )
    return str(config)


def test_allow_env_lets_a_config_read_other_variables(
    server: OpenAITestServer, tmp_path: Path
) -> None:
    config = _model_config(tmp_path)
    env = cli_env(MY_ENDPOINT=server.base_url, MY_KEY="my-key")
    refused = run_cli("run", config, "--task", "Hi", env=env)
    assert refused.code == 1
    assert "MY_ENDPOINT" in refused.stderr
    assert "--allow-env MY_ENDPOINT" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert server.requests == []

    server.script(ScriptedReply("Allowed."), ScriptedReply("Allowed again."))
    allowed = run_cli(
        "run",
        config,
        "--task",
        "Hi",
        "--allow-env",
        "MY_ENDPOINT",
        "--allow-env",
        "MY_KEY",
        env=env,
    )
    assert allowed.code == 0, allowed.stderr
    assert "Allowed." in allowed.stdout
    assert server.last_request.headers["authorization"] == "Bearer my-key"

    env["AGENTPARTS_ALLOWED_ENV"] = "MY_ENDPOINT,MY_KEY"
    by_env = run_cli("run", config, "--task", "Hi", env=env)
    assert by_env.code == 0, by_env.stderr
    assert "Allowed again." in by_env.stdout


def test_untrusted_run_refuses_before_starting_anything(server: OpenAITestServer) -> None:
    result = run_cli(
        "run",
        MCP_EXAMPLE,
        "--untrusted",
        "--allow-env",
        "OPENAI_BASE_URL",
        "--allow-env",
        "OPENAI_API_KEY",
        "--task",
        "What is 2 + 3?",
        env=cli_env(server),
    )
    assert result.code == 1
    assert "config.workbench[0] (mcp_workbench): starts the host command" in result.stderr
    assert "without untrusted=True (the CLI option --untrusted)" in result.stderr
    assert server.requests == []


def test_untrusted_run_needs_every_variable_allowed(server: OpenAITestServer) -> None:
    refused = run_cli("run", OPENAI_EXAMPLE, "--untrusted", "--task", "Hi", env=cli_env(server))
    assert refused.code == 1
    assert "--allow-env OPENAI_API_KEY" in refused.stderr
    assert server.requests == []
    server.script(ScriptedReply("Trusted enough."))
    allowed = run_cli(
        "run",
        OPENAI_EXAMPLE,
        "--untrusted",
        "--allow-env",
        "OPENAI_API_KEY",
        "--allow-env",
        "OPENAI_BASE_URL",
        "--task",
        "Hi",
        env=cli_env(server),
    )
    assert allowed.code == 0, allowed.stderr
    assert "Trusted enough." in allowed.stdout


def test_untrusted_validate_and_batch_refuse_a_local_executor(tmp_path: Path) -> None:
    validate = run_cli("config", "validate", "--untrusted", AUTOGEN_LOCAL_EXECUTOR)
    assert validate.code == 1
    assert "runs code unsandboxed on the host" in validate.stderr
    assert run_cli("config", "validate", AUTOGEN_LOCAL_EXECUTOR).code == 0

    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"task": "print(1)"}\n')
    out = tmp_path / "results.jsonl"
    batch = run_cli("batch", AUTOGEN_LOCAL_EXECUTOR, str(tasks), "--out", str(out), "--untrusted")
    assert batch.code == 1
    assert "runs code unsandboxed on the host" in batch.stderr
    assert not out.exists() or out.read_text() == ""


def test_batch_passes_allow_env_to_every_task(server: OpenAITestServer, tmp_path: Path) -> None:
    agent = tmp_path / "agent.yaml"
    agent.write_text(
        "provider: assistant_agent\nconfig:\n  name: a\n  description: d\n  model_client:\n"
        "    provider: openai\n    config:\n      model: gpt-4o-mini\n"
        "      base_url: {$env: MY_ENDPOINT}\n      api_key: {$env: MY_KEY}\n"
    )
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"task": "one"}\n{"task": "two"}\n')
    server.script(ScriptedReply("done"), ScriptedReply("done"))
    out = tmp_path / "results.jsonl"
    args = ["batch", str(agent), str(tasks), "--out", str(out), "--concurrency", "2"]
    allow = ["--allow-env", "MY_ENDPOINT", "--allow-env", "MY_KEY"]
    result = run_cli(*args, *allow, env=cli_env(MY_ENDPOINT=server.base_url, MY_KEY="k"))
    assert result.code == 0, result.stdout + result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["error"] for line in lines] == [None, None]
