"""MessageFilterAgent: per-source filters, delegation and saving."""

from __future__ import annotations

import json
from pathlib import Path

from agentparts import CancellationToken, ComponentLoader
from agentparts.agents import (
    AssistantAgent,
    MessageFilterAgent,
    MessageFilterConfig,
    PerSourceFilter,
)
from agentparts.messages import TextMessage
from agentparts.models import UserMessage
from agentparts.models.replay import ReplayChatCompletionClient

DATA = Path(__file__).parent / "data"


def msg(content: str, source: str) -> TextMessage:
    return TextMessage(content=content, source=source)


def make(client: ReplayChatCompletionClient) -> MessageFilterAgent:
    inner = AssistantAgent("writer", client)
    return MessageFilterAgent(
        "writer",
        inner,
        MessageFilterConfig(
            per_source=[
                PerSourceFilter(source="user", position="first", count=1),
                PerSourceFilter(source="critic", position="last", count=1),
            ]
        ),
    )


async def test_the_wrapped_agent_sees_only_what_the_filter_keeps() -> None:
    client = ReplayChatCompletionClient(["draft 2"])
    agent = make(client)
    messages = [
        msg("task", "user"),
        msg("again", "user"),
        msg("old note", "critic"),
        msg("chatter", "other"),
        msg("new note", "critic"),
    ]
    response = await agent.on_messages(messages, CancellationToken())
    assert isinstance(response.chat_message, TextMessage)
    assert response.chat_message.content == "draft 2"
    sent = [m for m in client.calls[0]["messages"] if isinstance(m, UserMessage)]
    assert [m.content for m in sent] == ["task", "new note"]
    assert agent.produced_message_types == agent.wrapped_agent.produced_message_types
    assert agent.description.endswith("(with message filtering)")


async def test_filter_without_position_keeps_every_message_of_the_source() -> None:
    agent = MessageFilterAgent(
        "w",
        AssistantAgent("w", ReplayChatCompletionClient(["x"])),
        MessageFilterConfig(per_source=[PerSourceFilter(source="a")]),
    )
    kept = agent.apply_filter([msg("1", "a"), msg("2", "b"), msg("3", "a")])
    assert [m.to_text() for m in kept] == ["1", "3"]


async def test_state_and_reset_go_to_the_wrapped_agent() -> None:
    agent = make(ReplayChatCompletionClient(["one", "two"]))
    await agent.run(task="task")
    state = await agent.save_state()
    assert state == await agent.wrapped_agent.save_state()
    assert len(state["llm_context"]["messages"]) == 2
    await agent.on_reset(CancellationToken())
    assert (await agent.save_state())["llm_context"]["messages"] == []
    await agent.load_state(state)
    assert len((await agent.wrapped_agent.save_state())["llm_context"]["messages"]) == 2


def test_saves_and_loads_with_its_filter() -> None:
    agent = make(ReplayChatCompletionClient(["x"]))
    saved = json.loads(agent.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.agents.MessageFilterAgent"
    loaded = ComponentLoader.load_component(saved, MessageFilterAgent)
    assert loaded.filter == agent.filter
    assert loaded.dump_component() == agent.dump_component()


async def test_autogen_message_filter_config_loads_unchanged() -> None:
    # Dumped by AutoGen 0.7.5, with its StaticStreamWorkbench renamed StaticWorkbench:
    # agentparts has no stream workbench yet (see docs/porting-from-autogen.md).
    config = json.loads((DATA / "autogen_user_proxy_and_filter.json").read_text())["message_filter"]
    agent = ComponentLoader.load_component(config, MessageFilterAgent)
    assert [f.source for f in agent.filter.per_source] == ["user", "critic"]
    result = await agent.run(task="write")
    assert result.messages[-1].to_text() == "draft"
