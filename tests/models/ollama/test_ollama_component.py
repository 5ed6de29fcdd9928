"""OllamaChatCompletionClient as a component: round trip, AutoGen 0.7.5 configs, conformance."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agentparts import ComponentLoader
from agentparts._providers import resolve_provider
from agentparts.agents import AssistantAgent
from agentparts.models import ChatCompletionClient, UserMessage
from agentparts.models.ollama import OllamaChatCompletionClient
from agentparts.testing import ChatCompletionClientTests, OllamaTestServer, ScriptedReply

DATA = Path(__file__).parents[2] / "porting" / "data"


@pytest.fixture
async def server() -> AsyncIterator[OllamaTestServer]:
    async with OllamaTestServer(default_reply=ScriptedReply("Hello from Ollama.")) as running:
        yield running


def _autogen(name: str, host: str) -> dict[str, Any]:
    """An AutoGen 0.7.5 dump with its placeholder host replaced by the test server's."""
    text = (DATA / name).read_text(encoding="utf-8")
    return json.loads(text.replace("http://127.0.0.1:9", host))


def test_short_name_and_autogen_path_resolve() -> None:
    path = "agentparts.models.ollama.OllamaChatCompletionClient"
    assert resolve_provider("ollama") == path
    assert resolve_provider("autogen_ext.models.ollama.OllamaChatCompletionClient") == path


async def test_round_trip_keeps_every_option(server: OllamaTestServer) -> None:
    client = OllamaChatCompletionClient(
        "qwen3:8b",
        host=server.base_url,
        options={"temperature": 0.2, "num_ctx": 8192},
        keep_alive=-1,
        think=True,
        headers={"X-Team": "search"},
        timeout=120.0,
        max_retries=5,
    )
    saved = client.dump_component()
    assert saved.provider == "agentparts.models.ollama.OllamaChatCompletionClient"
    loaded = ChatCompletionClient.load_component(saved.model_dump(mode="json"))
    assert isinstance(loaded, OllamaChatCompletionClient)
    assert loaded.dump_component().config == saved.config
    await loaded.create([UserMessage(content="hi", source="u")])
    body = server.last_request.body
    assert (body["think"], body["keep_alive"]) == (True, -1)
    assert body["options"] == {"temperature": 0.2, "num_ctx": 8192}
    assert server.last_request.headers["x-team"] == "search"
    await client.close()
    await loaded.close()


async def test_autogen_client_config_loads_unchanged(server: OllamaTestServer) -> None:
    client = ChatCompletionClient.load_component(
        _autogen("autogen075_ollama.json", server.base_url)
    )
    assert isinstance(client, OllamaChatCompletionClient)
    assert client.model == "llama3.2"
    result = await client.create([UserMessage(content="hi", source="u")])
    assert result.content == "Hello from Ollama."
    assert server.last_request.body["options"] == {"temperature": 0.1, "num_ctx": 4096}
    await client.close()


async def test_autogen_assistant_with_ollama_runs(server: OllamaTestServer) -> None:
    config = _autogen("autogen075_assistant_ollama.json", server.base_url)
    agent = ComponentLoader.load_component(config, expected=AssistantAgent)
    result = await agent.run(task="Say hello")
    assert result.messages[-1].to_text() == "Hello from Ollama."
    assert server.last_request.body["messages"][0]["content"] == "Answer briefly."
    await agent.model_client.close()


class TestOllamaClientConformance(ChatCompletionClientTests):
    @pytest.fixture
    def client(self, server: OllamaTestServer) -> OllamaChatCompletionClient:
        return OllamaChatCompletionClient("llama3.2", host=server.base_url, max_retries=0)


async def test_agentparts_run_uses_it_from_an_autogen_config(
    server: OllamaTestServer, tmp_path: Path
) -> None:
    import asyncio
    import sys

    config = tmp_path / "agent.json"
    config.write_text(json.dumps(_autogen("autogen075_assistant_ollama.json", server.base_url)))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "agentparts.cli",
        "run",
        str(config),
        "--task",
        "hi",
        "--no-stream",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert "Hello from Ollama." in out.decode()
    assert server.last_request.path == "/api/chat"
