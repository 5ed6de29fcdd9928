"""RoundRobinGroupChat over HTTP: the real OpenAI client against the local test server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentparts import ComponentLoader
from agentparts.agents import AssistantAgent
from agentparts.messages import TextMessage
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.teams import RoundRobinGroupChat
from agentparts.testing import OpenAITestServer

DATA = Path(__file__).parent / "data"


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer() as running:
        yield running


async def test_three_agents_twelve_turns_over_http(server: OpenAITestServer) -> None:
    client = OpenAIChatCompletionClient(model="gpt-4o", base_url=server.base_url, api_key="k")
    try:
        agents = [
            AssistantAgent(name, client, system_message=f"You are {name}.")
            for name in ("planner", "writer", "critic")
        ]
        team = RoundRobinGroupChat(agents, max_turns=12)
        result = await team.run(task="Plan a trip.")
    finally:
        await client.close()
    answers = [m for m in result.messages if isinstance(m, TextMessage) and m.source != "user"]
    assert [m.source for m in answers] == ["planner", "writer", "critic"] * 4
    assert result.stop_reason == "Maximum number of turns 12 reached."
    assert len(server.requests) == 12
    # The last request carries the whole conversation: system, task, 11 answers.
    last = server.requests[-1].messages
    assert last[0] == {"role": "system", "content": "You are critic."}
    assert len(last) == 13
    roles = [m["role"] for m in last[1:]]
    assert roles == ["user"] + ["user", "user", "assistant"] * 3 + ["user", "user"]
    assert all(m.models_usage is not None for m in answers)


async def test_autogen_openai_team_config_runs_against_the_server(
    server: OpenAITestServer,
) -> None:
    config = json.loads((DATA / "autogen_round_robin.json").read_text())["openai_team"]
    for participant in config["config"]["participants"]:
        model = participant["config"]["model_client"]["config"]
        model["base_url"] = server.base_url
        model["api_key"] = "sk-test"  # AutoGen saved it masked
    server.script("Here is a draft.", "APPROVE")
    team = ComponentLoader.load_component(config, RoundRobinGroupChat)
    result = await team.run(task="Write a haiku.")
    assert [m.to_text() for m in result.messages] == [
        "Write a haiku.",
        "Here is a draft.",
        "APPROVE",
    ]
    assert result.stop_reason == "Text 'APPROVE' mentioned"
    for agent in team.participants:
        assert isinstance(agent, AssistantAgent)
        await agent.close()
