"""The Anthropic client as a component: round trip, AutoGen 0.7.5 configs, short name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentparts._providers import BUILTIN_SHORT_NAMES, resolve_provider
from agentparts.agents import AssistantAgent
from agentparts.errors import SecretError
from agentparts.models import ChatCompletionClient
from agentparts.models.anthropic import (
    AnthropicBedrockChatCompletionClient,
    AnthropicChatCompletionClient,
)
from agentparts.testing import AnthropicTestServer, ScriptedReply, ScriptedToolCall
from agentparts.tools import FunctionTool

from .conftest import MESSAGES, make_client

DATA = Path(__file__).parents[2] / "porting" / "data"


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env")


async def test_round_trip_keeps_every_option(
    server: AnthropicTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")  # what the server expects
    client = make_client(
        server,
        api_key=None,
        max_tokens=300,
        thinking={"type": "enabled", "budget_tokens": 200},
        stop_sequences=["END"],
        stream_timeout=30.0,
    )
    dumped = client.dump_component()
    assert dumped.provider == "agentparts.models.anthropic.AnthropicChatCompletionClient"
    loaded = ChatCompletionClient.load_component(dumped)
    assert isinstance(loaded, AnthropicChatCompletionClient)
    assert loaded.dump_component() == dumped
    server.script("from the loaded client")
    async with loaded:
        assert (await loaded.create(MESSAGES)).content == "from the loaded client"
    body = server.last_request.body
    assert (body["max_tokens"], body["stop_sequences"]) == (300, ["END"])
    assert dumped.config["api_key"] == {"$env": "ANTHROPIC_API_KEY"}
    assert server.last_request.headers["x-api-key"] == "sk-ant-test"
    await client.close()


@pytest.mark.parametrize("name", ["autogen075_anthropic.json", "autogen075_anthropic_gallery.json"])
async def test_autogen_075_configs_load_unchanged_and_run(name: str) -> None:
    config = _read(name)
    assert config["provider"] == "autogen_ext.models.anthropic.AnthropicChatCompletionClient"
    async with AnthropicTestServer(["Hi from Claude."]) as server:
        config["config"]["base_url"] = server.base_url  # AutoGen's pointed at Anthropic
        client = ChatCompletionClient.load_component(config)
        assert isinstance(client, AnthropicChatCompletionClient)
        async with client:
            result = await client.create(MESSAGES)
        assert result.content == "Hi from Claude."
        body = server.last_request.body
        assert body["model"] == config["config"]["model"]
        assert body["max_tokens"] == config["config"]["max_tokens"]
        if "thinking" in config["config"]:
            assert body["thinking"] == {"type": "enabled", "budget_tokens": 1024}
            assert server.last_request.headers["anthropic-beta"] == "prompt-caching-2024-07-31"


def test_autogens_masked_key_is_a_clear_error() -> None:
    with pytest.raises(SecretError, match="masked secret"):
        ChatCompletionClient.load_component(_read("autogen075_anthropic_masked_key.json"))


async def test_autogen_assistant_dump_with_the_client_runs_a_tool_turn() -> None:
    config = _read("autogen075_assistant_anthropic.json")
    (bench,) = config["config"]["workbench"]
    (saved_tool,) = bench["config"]["tools"]
    assert saved_tool["config"]["name"] == "add"
    # agentparts never runs saved source code: point the tool at an importable function.
    saved_tool["config"]["function"] = f"{add.__module__}:add"
    async with AnthropicTestServer() as server:
        config["config"]["model_client"]["config"]["base_url"] = server.base_url
        agent = AssistantAgent.load_component(config, allowed_providers=[add.__module__])
        server.script(ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 2, "b": 3})]))
        result = await agent.run(task="2 + 3?")
        assert server.requests[0].body["tools"][0]["name"] == "add"
        await agent.close()
    assert result.messages[-1].to_text() == "5"  # AutoGen's default: the tool result
    assert len(server.requests) == 1


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def test_an_assistant_agent_runs_a_tool_on_claude(server: AnthropicTestServer) -> None:
    server.script(
        ScriptedReply(
            reasoning_content="Use the tool.",
            tool_calls=[ScriptedToolCall("add", {"a": 20, "b": 22})],
        ),
        "The answer is 42.",
    )
    client = make_client(server, thinking={"type": "enabled", "budget_tokens": 512})
    agent = AssistantAgent(
        "claude",
        model_client=client,
        tools=[FunctionTool(add, description="Add two numbers.")],
        reflect_on_tool_use=True,
        system_message="Use tools for arithmetic.",
    )
    result = await agent.run(task="What is 20 + 22?")
    assert result.messages[-1].to_text() == "The answer is 42."
    second = server.requests[1].body
    assert second["system"] == "Use tools for arithmetic."
    assert [b["type"] for b in second["messages"][1]["content"]] == ["thinking", "tool_use"]
    assert second["messages"][2]["content"][0]["content"] == "42"
    await client.close()


def test_bedrock_configs_fail_with_a_clear_error() -> None:
    config = {
        "provider": "autogen_ext.models.anthropic.AnthropicBedrockChatCompletionClient",
        "component_type": "model",
        "config": {"model": "anthropic.claude-3-5-sonnet", "bedrock_info": {"aws_region": "x"}},
    }
    with pytest.raises(Exception, match="SigV4") as caught:
        ChatCompletionClient.load_component(config)
    assert "AnthropicChatCompletionClient" in str(caught.value)
    with pytest.raises(NotImplementedError, match="Bedrock"):
        AnthropicBedrockChatCompletionClient(model="x")


def test_short_name_and_autogen_path_resolve_to_the_client() -> None:
    path = "agentparts.models.anthropic.AnthropicChatCompletionClient"
    assert BUILTIN_SHORT_NAMES["anthropic"] == path
    assert resolve_provider("anthropic") == path
    assert resolve_provider("autogen_ext.models.anthropic.AnthropicChatCompletionClient") == path


def test_agentparts_run_uses_the_client_from_a_config(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    cli = Path(sys.executable).with_name("agentparts")
    with AnthropicTestServer(default_reply="Bonjour from Claude.") as server:
        config = tmp_path / "agent.yaml"
        config.write_text(
            "provider: assistant_agent\ncomponent_type: agent\nconfig:\n  name: claude\n"
            "  description: Claude.\n  model_client:\n    provider: anthropic\n    config:\n"
            f"      model: claude-sonnet-4-20250514\n      base_url: {server.base_url}\n",
            encoding="utf-8",
        )
        env = {**os.environ, "ANTHROPIC_API_KEY": "sk-ant-cli"}
        done = subprocess.run(
            [str(cli), "run", str(config), "--task", "hi"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "Bonjour from Claude." in done.stdout
        assert server.last_request.headers["x-api-key"] == "sk-ant-cli"
