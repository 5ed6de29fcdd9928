"""Swarm: handoffs pick the speaker; unknown targets stop with a reason; state and configs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentparts import ComponentLoader, FunctionCall
from agentparts.agents import AssistantAgent
from agentparts.base import TaskResult, Team
from agentparts.conditions import HandoffTermination, TextMentionTermination
from agentparts.messages import HandoffMessage, TextMessage
from agentparts.models import CreateResult, RequestUsage, UserMessage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import Swarm

from .conftest import assistant, seen_by, tool_model

DATA = Path(__file__).parent / "data"


def handoff_to(target: str) -> CreateResult:
    call = FunctionCall(id=f"call_{target}", name=f"transfer_to_{target}", arguments="{}")
    return CreateResult(finish_reason="function_calls", content=[call], usage=RequestUsage(1, 1))


def agent(name: str, handoffs: list[str], *answers: str | CreateResult) -> AssistantAgent:
    return AssistantAgent(name, tool_model(*answers), handoffs=handoffs)


def chat(result: TaskResult) -> list[str]:
    return [
        f"{m.source}->{m.target}" if isinstance(m, HandoffMessage) else f"{m.source}: {m.to_text()}"
        for m in result.messages
        if isinstance(m, (TextMessage, HandoffMessage))
    ]


async def test_handoffs_pass_the_floor() -> None:
    alice = agent("alice", ["bob"], handoff_to("bob"))
    bob = agent("bob", ["alice"], "Done. TERMINATE")
    team = Swarm([alice, bob], termination_condition=TextMentionTermination("TERMINATE"))
    result = await team.run(task="Book a flight.")
    assert chat(result) == ["user: Book a flight.", "alice->bob", "bob: Done. TERMINATE"]
    assert result.stop_reason == "Text 'TERMINATE' mentioned"
    client = bob.model_client
    assert isinstance(client, ReplayChatCompletionClient)
    sent = client.calls[0]["messages"]
    assert isinstance(sent[-1], UserMessage) and sent[-1].source == "alice"
    assert sent[-1].content == "Transferred to bob, adopting the role of bob immediately."


async def test_without_a_handoff_the_speaker_keeps_the_floor() -> None:
    team = Swarm([agent("alice", ["bob"], "one", "two"), assistant("bob")], max_turns=2)
    assert chat(await team.run(task="go")) == ["user: go", "alice: one", "alice: two"]


async def test_stopping_for_the_user_and_resuming_with_a_handoff_back() -> None:
    alice = agent("alice", ["user"], handoff_to("user"), "Thanks, booked. TERMINATE")
    team = Swarm(
        [alice, assistant("bob")],
        termination_condition=HandoffTermination("user") | TextMentionTermination("TERMINATE"),
    )
    first = await team.run(task="Book a flight.")
    assert chat(first) == ["user: Book a flight.", "alice->user"]
    assert first.stop_reason == "Handoff to user from alice detected."
    with pytest.raises(ValueError, match="handoff to 'user' names no participant"):
        await team.run()  # continuing without answering the handoff
    answer = HandoffMessage(content="Tuesday, please.", target="alice", source="user")
    second = await team.run(task=answer)
    assert chat(second) == ["user->alice", "alice: Thanks, booked. TERMINATE"]
    assert seen_by(alice)[-1] == "user: Tuesday, please."


async def test_a_handoff_to_an_unknown_agent_stops_with_a_reason_and_keeps_the_messages() -> None:
    team = Swarm([agent("alice", ["ghost"], handoff_to("ghost")), assistant("bob")])
    result = await team.run(task="go")
    assert chat(result) == ["user: go", "alice->ghost"]
    assert result.stop_reason == (
        "alice handed off to 'ghost', which is not a participant (alice, bob)."
    )
    assert not team.is_running


def test_the_first_participant_must_be_able_to_hand_off() -> None:
    with pytest.raises(ValueError, match=r"\('plain'\) must be able to hand off"):
        Swarm([assistant("plain"), agent("alice", ["plain"])])


async def test_state_keeps_the_current_speaker() -> None:
    team = Swarm(
        [agent("alice", ["bob"], handoff_to("bob")), agent("bob", ["alice"], "b1")], max_turns=2
    )
    await team.run(task="go")
    state = json.loads(json.dumps(await team.save_state()))
    assert state["agent_states"]["SwarmGroupChatManager"]["current_speaker"] == "bob"
    fresh = Swarm([agent("alice", ["bob"]), agent("bob", ["alice"], "b2")], max_turns=1)
    await fresh.load_state(state)
    assert chat(await fresh.run()) == ["bob: b2"]


async def test_dump_load_and_the_autogen_config() -> None:
    team = Swarm(
        [agent("alice", ["bob"]), agent("bob", ["alice"])],
        termination_condition=HandoffTermination("user"),
        max_turns=4,
    )
    saved = json.loads(team.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.teams.Swarm"
    loaded = Team.load_component(saved)
    assert isinstance(loaded, Swarm) and loaded.dump_component() == team.dump_component()

    config = json.loads((DATA / "autogen_swarm.json").read_text())["swarm"]
    assert config["provider"] == "autogen_agentchat.teams.Swarm"
    autogen_team = ComponentLoader.load_component(config, Swarm)
    result = await autogen_team.run(task="go")
    assert chat(result) == ["user: go", "alice->bob", "bob: Done. TERMINATE"]
