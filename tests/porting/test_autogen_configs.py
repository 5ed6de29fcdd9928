"""AutoGen 0.7 and AutoGen Studio JSON configs load unchanged (see docs/porting-from-autogen.md).

The files in data/ are written as AutoGen 0.7's ``dump_component()`` and AutoGen Studio's
export write them: AutoGen provider strings, AutoGen component types, AutoGen field names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts._providers import resolve_provider
from agentparts.agents import AssistantAgent, CodeExecutorAgent
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.errors import ComponentConfigError, ProviderNotFoundError, SecretError, ToolError
from agentparts.memory import ListMemory
from agentparts.model_context import BufferedChatCompletionContext
from agentparts.models import ChatCompletionClient, UserMessage
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools import SourceCodeFunctionTool

DATA = Path(__file__).parent / "data"


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _providers(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["provider"]] if isinstance(node.get("provider"), str) else []
        return found + [p for value in node.values() for p in _providers(value)]
    if isinstance(node, list):
        return [p for item in node for p in _providers(item)]
    return []


@pytest.fixture
def openai_key(monkeypatch: pytest.MonkeyPatch) -> str:
    # AutoGen configs usually hold no key: the client reads OPENAI_API_KEY, as in AutoGen.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-from-the-environment")  # the Azure client's
    return "sk-from-the-environment"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_every_autogen_provider_maps_onto_agentparts(name: str) -> None:
    for provider in _providers(_read(name)):
        assert provider.startswith(("autogen_core.", "autogen_agentchat.", "autogen_ext."))
        assert resolve_provider(provider).startswith("agentparts.")


def test_openai_client_config_loads_unchanged(openai_key: str) -> None:
    client = ChatCompletionClient.load_component(DATA / "openai_client.json")
    assert isinstance(client, OpenAIChatCompletionClient)
    assert client.model == "gpt-4o-mini"
    saved = client.dump_component()
    assert saved.provider == "agentparts.models.openai.OpenAIChatCompletionClient"
    assert (saved.config["temperature"], saved.config["max_tokens"]) == (0.3, 512)
    assert openai_key not in saved.model_dump_json()
    assert saved.config["api_key"] == {"$env": "OPENAI_API_KEY"}  # a reference, not the key


def test_openai_compatible_endpoint_config_loads_without_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    client = ChatCompletionClient.load_component(DATA / "openai_compatible_local.json")
    assert isinstance(client, OpenAIChatCompletionClient)
    assert client.model_info["function_calling"] is True
    assert client.dump_component().config["base_url"] == "http://localhost:1234/v1"


def test_masked_api_key_is_a_clear_error_not_a_wrong_key() -> None:
    with pytest.raises(SecretError) as caught:
        ChatCompletionClient.load_component(DATA / "openai_client_masked_key.json")
    message = str(caught.value)
    assert "config.api_key holds a masked secret" in message
    assert "$env" in message


async def test_replay_client_config_replays_its_results() -> None:
    client = ChatCompletionClient.load_component(DATA / "replay_client.json")
    assert isinstance(client, ReplayChatCompletionClient)
    first = await client.create([UserMessage(content="2 + 3?")])
    assert first.finish_reason == "function_calls"
    assert isinstance(first.content, list)
    assert (first.content[0].name, json.loads(first.content[0].arguments)) == (
        "add",
        {"a": 2, "b": 3},
    )
    second = await client.create([UserMessage(content="and?")])
    assert second.content == "The sum is 5."


async def test_assistant_agent_config_loads_and_runs() -> None:
    agent = AssistantAgent.load_component(DATA / "assistant_agent.json")
    assert isinstance(agent, AssistantAgent)
    assert agent.name == "assistant"
    result = await agent.run(task="How hot should tea water be?")
    assert "80 degrees" in str(result.messages[-1].to_text())
    saved = agent.dump_component()
    assert saved.provider == "agentparts.agents.AssistantAgent"
    assert (
        _providers(saved.model_dump())[1] == "agentparts.models.replay.ReplayChatCompletionClient"
    )
    memory = ComponentLoader.load_component(saved.config["memory"][0], ListMemory)
    assert memory.content[0].content == "The user likes green tea."


def test_code_executor_agent_config_keeps_its_local_executor(tmp_path: Path) -> None:
    agent = CodeExecutorAgent.load_component(DATA / "code_executor_agent.json")
    assert isinstance(agent, CodeExecutorAgent)
    executor_config = agent.dump_component().config["code_executor"]
    assert executor_config["provider"] == (
        "agentparts.code_executors.local.LocalCommandLineCodeExecutor"
    )
    executor = ComponentLoader.load_component(executor_config, LocalCommandLineCodeExecutor)
    assert executor.dump_component().config["timeout"] == 60


async def test_function_tool_saved_as_source_code_runs_in_the_sandbox(tmp_path: Path) -> None:
    config = _read("function_tool_source_code.json")
    marker = tmp_path / "executed"
    config["config"]["source_code"] = (
        f"open({str(marker)!r}, 'w').close()\n" + config["config"]["source_code"]
    )
    tool = ComponentLoader.load_component(config)
    assert not marker.exists()  # loading runs nothing
    assert isinstance(tool, SourceCodeFunctionTool) and tool.mode == "sandbox"
    with pytest.raises(ToolError, match="FileNotFoundError"):  # the host's tmp_path: not there
        await tool.run_json({"a": 2, "b": 3, "operator": "+"}, CancellationToken())
    assert not marker.exists()
    await tool.stop()


async def test_studio_team_export_loads_with_its_source_code_tool(openai_key: str) -> None:
    team: Any = ComponentLoader.load_component(DATA / "studio_team_export.json")
    await team.close()


async def test_studio_team_participants_load_unchanged(openai_key: str) -> None:
    writer_config, calculator_config = _read("studio_team_export.json")["config"]["participants"]
    writer = AssistantAgent.load_component(writer_config)
    assert writer.name == "writer"
    context = ComponentLoader.load_component(
        writer.dump_component().config["model_context"], BufferedChatCompletionContext
    )
    assert context.dump_component().config["buffer_size"] == 10
    # A tool saved as source code loads sandboxed, even deep inside a team.
    calculator = AssistantAgent.load_component(calculator_config)
    saved = json.dumps(calculator.dump_component().model_dump())
    assert '"source_code": "def calculator(' in saved
    await calculator.close()


async def test_loaded_agentparts_dump_loads_again(openai_key: str) -> None:
    agent = AssistantAgent.load_component(DATA / "assistant_agent.json")
    again = AssistantAgent.load_component(agent.dump_component())
    result = await again.run(task="Tea?", cancellation_token=CancellationToken())
    assert "TERMINATE" in str(result.messages[-1].to_text())


@pytest.mark.parametrize(
    "provider",
    [
        "autogen_ext.tools.mcp.McpSessionActor",  # module exists, class not
        "autogen_ext.agents.web_surfer.MultimodalWebSurfer",  # module does not exist
    ],
)
def test_autogen_components_without_an_equivalent_say_so(provider: str) -> None:
    with pytest.raises(ProviderNotFoundError) as caught:
        ComponentLoader.load_component({"provider": provider, "config": {}})
    assert f"{provider!r} is an AutoGen component that agentparts does not have" in str(
        caught.value
    )
    assert "agentparts components list" in str(caught.value)


def _gallery_items() -> list[tuple[str, dict[str, Any]]]:
    gallery = _read("studio_gallery.json")
    return [
        (f"{section}/{item['label']}", item)
        for section, items in gallery["components"].items()
        for item in items
    ]


GALLERY_EXPECTED = {
    "agents/AssistantAgent": "AssistantAgent",
    "models/OpenAI GPT-4o Mini": "OpenAIChatCompletionClient",
    "models/Mistral-7B Local": "OpenAIChatCompletionClient",
    "models/AzureOpenAI GPT-4o-mini": "AzureOpenAIChatCompletionClient",
    "workbenches/Fetch MCP Workbench": "McpWorkbench",
    "tools/Calculator Tool": "SourceCodeFunctionTool",  # runs in the sandbox
    # What agentparts refuses or lacks, with the reason in the error:
    "terminations/TextMentionTermination": "TextMentionTermination",
}


def test_studio_gallery_lists_what_the_test_expects() -> None:
    assert sorted(label for label, _ in _gallery_items()) == sorted(GALLERY_EXPECTED)


@pytest.mark.parametrize(
    ("label", "item"), _gallery_items(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_studio_gallery_component_loads_or_says_why_not(
    label: str, item: dict[str, Any], openai_key: str
) -> None:
    expected = GALLERY_EXPECTED[label]
    if " " not in expected:
        component = ComponentLoader.load_component(item)
        assert type(component).__name__ == expected
        assert component.dump_component().provider.startswith("agentparts.")
    else:
        with pytest.raises((ProviderNotFoundError, ComponentConfigError), match=expected):
            ComponentLoader.load_component(item)
