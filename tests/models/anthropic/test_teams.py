"""Every team type runs on Claude (through the Anthropic test server, which checks turns)."""

from __future__ import annotations

from agentparts.agents import AssistantAgent
from agentparts.conditions import MaxMessageTermination
from agentparts.models.anthropic import AnthropicChatCompletionClient
from agentparts.teams import MagenticOneGroupChat, RoundRobinGroupChat, SelectorGroupChat, Swarm
from agentparts.testing import AnthropicTestServer

from .conftest import make_client as _make_client

_clients: list[AnthropicChatCompletionClient] = []


def make_client(server: AnthropicTestServer) -> AnthropicChatCompletionClient:
    client = _make_client(server)
    _clients.append(client)
    return client


def _agents(server: AnthropicTestServer, handoffs: bool = False) -> list[AssistantAgent]:
    return [
        AssistantAgent(
            name,
            model_client=make_client(server),
            description=f"The {name} agent.",
            system_message=f"You are {name}.",
            handoffs=[other for other in ("alice", "bob") if other != name] if handoffs else None,
        )
        for name in ("alice", "bob")
    ]


async def test_round_robin_selector_swarm_and_magentic_one_run_on_claude(
    server: AnthropicTestServer,
) -> None:
    done = MaxMessageTermination(4)
    teams = [
        RoundRobinGroupChat(_agents(server), termination_condition=done),
        SelectorGroupChat(
            _agents(server), model_client=make_client(server), termination_condition=done
        ),
        Swarm(_agents(server, handoffs=True), termination_condition=done),
        MagenticOneGroupChat(_agents(server), model_client=make_client(server), max_turns=2),
    ]
    try:
        for team in teams:
            server.reset()
            result = await team.run(task="Say hi")
            assert len(result.messages) >= 2, type(team).__name__
            assert server.requests, type(team).__name__
            for request in server.requests:  # the server refused none, as Claude would
                assert all(m["role"] in ("user", "assistant") for m in request.body["messages"])
    finally:
        for client in _clients:
            await client.close()
        _clients.clear()
