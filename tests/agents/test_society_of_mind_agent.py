"""SocietyOfMindAgent: an inner team's run summed up in one answer."""

from __future__ import annotations

import json
from pathlib import Path

from agentparts import CancellationToken, ComponentLoader
from agentparts.agents import AssistantAgent, SocietyOfMindAgent
from agentparts.messages import HandoffMessage, TextMessage
from agentparts.models import UserMessage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.state import SocietyOfMindAgentState
from agentparts.teams import RoundRobinGroupChat

DATA = Path(__file__).parent / "data"


def inner_team() -> RoundRobinGroupChat:
    return RoundRobinGroupChat(
        [
            AssistantAgent("drafter", ReplayChatCompletionClient(["draft", "draft 2"])),
            AssistantAgent("editor", ReplayChatCompletionClient(["edited", "edited 2"])),
        ],
        max_turns=2,
    )


async def test_the_inner_team_works_and_the_model_answers() -> None:
    summarizer = ReplayChatCompletionClient(["The final text.", "Second answer."])
    agent = SocietyOfMindAgent("writer", inner_team(), summarizer)
    result = await agent.run(task="Write a slogan.")
    texts = [f"{m.source}: {m.to_text()}" for m in result.messages]
    assert texts == [
        "user: Write a slogan.",
        "drafter: draft",
        "editor: edited",
        "writer: The final text.",
    ]
    prompt = summarizer.calls[0]["messages"]
    assert prompt[0].content == SocietyOfMindAgent.DEFAULT_INSTRUCTION
    assert [m.content for m in prompt[1:-1]] == ["draft", "edited"]
    assert prompt[-1].content == SocietyOfMindAgent.DEFAULT_RESPONSE_PROMPT
    # The next turn starts a fresh inner run, with the earlier request as context.
    await agent.run(task="Shorter, please.")
    drafter = agent.team.participants[0]
    assert isinstance(drafter, AssistantAgent)
    client = drafter.model_client
    assert isinstance(client, ReplayChatCompletionClient)
    seen = [m for m in client.calls[1]["messages"] if isinstance(m, UserMessage)]
    assert [m.content for m in seen] == [
        "Write a slogan.",
        "relevant previous messages",
        "Shorter, please.",
    ]


async def test_inside_an_outer_team() -> None:
    agent = SocietyOfMindAgent("writer", inner_team(), ReplayChatCompletionClient(["Final."]))
    reviewer = AssistantAgent("reviewer", ReplayChatCompletionClient(["Approved."]))
    outer = RoundRobinGroupChat([agent, reviewer], max_turns=2)
    result = await outer.run(task="Write.")
    chat = [m for m in result.messages if isinstance(m, TextMessage)]
    assert [m.source for m in chat] == ["user", "drafter", "editor", "writer", "reviewer"]


async def test_state_reset_and_configs() -> None:
    agent = SocietyOfMindAgent("writer", inner_team(), ReplayChatCompletionClient(["x"]))
    state = await agent.save_state()
    assert SocietyOfMindAgentState.model_validate(state).inner_team_state["type"] == "TeamState"
    await agent.load_state(state)
    await agent.on_reset(CancellationToken())
    saved = json.loads(agent.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.agents.SocietyOfMindAgent"
    assert ComponentLoader.load_component(saved).dump_component() == agent.dump_component()

    config = json.loads((DATA / "autogen_society_of_mind.json").read_text())["society_of_mind"]
    loaded = ComponentLoader.load_component(config, SocietyOfMindAgent)
    response = await loaded.on_messages(
        [HandoffMessage(content="Write.", target="writer", source="user")], CancellationToken()
    )
    assert response.chat_message.to_text() == "The final text."
