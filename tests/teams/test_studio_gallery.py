"""AutoGen Studio's gallery teams, conditions and user proxy (data/studio_gallery_teams.json,
written by autogenstudio 0.4.2.2's ``create_default_gallery()``)."""

from __future__ import annotations

import copy
import importlib.util
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agentparts import ComponentLoader
from agentparts.agents import UserProxyAgent
from agentparts.base import TerminationCondition
from agentparts.conditions import MaxMessageTermination
from agentparts.errors import ComponentConfigError
from agentparts.messages import TextMessage, ToolCallExecutionEvent
from agentparts.teams import RoundRobinGroupChat, SelectorGroupChat
from agentparts.testing import OpenAITestServer, ScriptedReply, ScriptedToolCall

GALLERY = json.loads(
    (Path(__file__).parent / "data" / "studio_gallery_teams.json").read_text(encoding="utf-8")
)


def team_entry(label: str) -> dict[str, Any]:
    return copy.deepcopy(next(t for t in GALLERY["teams"] if t["label"] == label))


def point_at(node: Any, base_url: str) -> None:
    """Aim every OpenAI client at the test server and give the calculator a reference."""
    if isinstance(node, dict):
        if node.get("provider") == "autogen_ext.models.openai.OpenAIChatCompletionClient":
            node["config"]["base_url"] = base_url
        if node.get("provider") == "autogen_core.tools.FunctionTool":
            node["config"]["function"] = "tests.teams.calculator:calculator"
        for value in node.values():
            point_at(value, base_url)
    elif isinstance(node, list):
        for item in node:
            point_at(item, base_url)


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[OpenAITestServer]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    async with OpenAITestServer() as running:
        yield running


@pytest.mark.parametrize("label", ["RoundRobin Team", "Selector Team"])
async def test_gallery_teams_load_unchanged(label: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The calculator tool is saved as source code. agentparts never runs saved source in
    # its own process: it is either refused with the reason, or (where source tools are
    # supported) loaded as a tool that runs in the sandbox. Either way nothing is exec'd here.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    if importlib.util.find_spec("agentparts.tools._source_tool") is None:
        with pytest.raises(ComponentConfigError, match="'calculator' was saved as source"):
            ComponentLoader.load_component(team_entry(label))
        return
    team = ComponentLoader.load_component(team_entry(label))
    assert isinstance(team, (RoundRobinGroupChat, SelectorGroupChat))
    assistant_agent = team.participants[0]
    assert assistant_agent.name == "assistant_agent"
    assert "calculator" in json.dumps(team.dump_component().model_dump(mode="json"))
    await team.close()


async def test_gallery_round_robin_team_runs_against_the_server(server: OpenAITestServer) -> None:
    entry = team_entry("RoundRobin Team")
    point_at(entry, server.base_url)
    team = ComponentLoader.load_component(entry, RoundRobinGroupChat, allowed_providers=["tests"])
    server.script(
        ScriptedReply(
            tool_calls=[ScriptedToolCall("calculator", {"a": 2, "b": 3, "operator": "+"})]
        ),
        "2 + 3 = 5. TERMINATE",
    )
    result = await team.run(task="What is 2 + 3?")
    executions = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
    assert executions[0].content[0].content == "5.0"
    assert result.stop_reason == "Text 'TERMINATE' mentioned"
    await team.close()


async def test_gallery_selector_team_runs_against_the_server(server: OpenAITestServer) -> None:
    entry = team_entry("Selector Team")
    point_at(entry, server.base_url)
    team = ComponentLoader.load_component(entry, SelectorGroupChat, allowed_providers=["tests"])
    server.script(
        '```json\n{"speaker": "critic_agent"}\n```',  # the selector, fenced JSON
        "The task is clear.",  # critic_agent
        "Done. TERMINATE",  # assistant_agent: the only candidate left, no selector call
    )
    result = await team.run(task="Plan a trip.")
    chat = [m for m in result.messages if isinstance(m, TextMessage)]
    assert [m.source for m in chat] == ["user", "critic_agent", "assistant_agent"]
    assert result.stop_reason == "Text 'TERMINATE' mentioned"
    await team.close()


@pytest.mark.parametrize("entry", GALLERY["terminations"], ids=lambda e: e["label"])
async def test_gallery_conditions_load_unchanged(entry: dict[str, Any]) -> None:
    condition = TerminationCondition.load_component(entry)
    stop = await condition([TextMessage(content="TERMINATE", source="a")])
    if entry["label"] == "MaxMessageTermination":
        assert isinstance(condition, MaxMessageTermination) and stop is None
    else:
        assert stop is not None


def test_gallery_user_proxy_loads_unchanged() -> None:
    agent = ComponentLoader.load_component(GALLERY["user_proxy"], UserProxyAgent)
    assert agent.name == "user_proxy" and agent.input_func is None
