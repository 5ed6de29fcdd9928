"""RoundRobinGroupChat on the replay client: turns, stops, continuing, state, cancellation."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import agentparts.teams as teams_module
from agentparts import CancellationToken, ComponentLoader
from agentparts.agents import AssistantAgent
from agentparts.base import TaskResult, Team
from agentparts.conditions import (
    ExternalTermination,
    MaxMessageTermination,
    SourceMatchTermination,
    TextMentionTermination,
)
from agentparts.messages import (
    ModelClientStreamingChunkEvent,
    SelectSpeakerEvent,
    StructuredMessage,
    TextMessage,
)
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.state import RoundRobinManagerState, TeamState
from agentparts.teams import RoundRobinGroupChat

from .conftest import Failing, Slow, assistant, other_tasks, seen_by

DATA = Path(__file__).parent / "data"


def texts(result: TaskResult) -> list[str]:
    return [f"{m.source}: {m.to_text()}" for m in result.messages]


def test_public_names_sorted() -> None:
    assert teams_module.__all__ == sorted(teams_module.__all__)


async def test_participants_speak_in_turn_and_see_each_other() -> None:
    writer = assistant("writer", "Draft one.", "Draft two.")
    critic = assistant("critic", "Needs work.", "APPROVE")
    team = RoundRobinGroupChat(
        [writer, critic], termination_condition=TextMentionTermination("APPROVE")
    )
    result = await team.run(task="Write a poem.")
    assert texts(result) == [
        "user: Write a poem.",
        "writer: Draft one.",
        "critic: Needs work.",
        "writer: Draft two.",
        "critic: APPROVE",
    ]
    assert result.stop_reason == "Text 'APPROVE' mentioned"
    # Each agent got only what it had not seen, and the others' answers.
    assert seen_by(writer, 1) == ["user: Write a poem.", "critic: Needs work."]
    assert seen_by(critic, 1) == [
        "user: Write a poem.",
        "writer: Draft one.",
        "writer: Draft two.",
    ]


async def test_max_turns_stops_and_the_next_run_continues_with_the_next_speaker() -> None:
    a, b, c = assistant("a", "a1", "a2"), assistant("b", "b1"), assistant("c", "c1")
    team = RoundRobinGroupChat([a, b, c], max_turns=2)
    first = await team.run(task="go")
    assert texts(first) == ["user: go", "a: a1", "b: b1"]
    assert first.stop_reason == "Maximum number of turns 2 reached."
    second = await team.run()
    assert texts(second) == ["c: c1", "a: a2"]
    assert seen_by(c) == ["user: go", "a: a1", "b: b1"]


async def test_a_stopped_condition_is_reset_for_the_next_run() -> None:
    team = RoundRobinGroupChat(
        [assistant("a", "1", "2", "3", "4")], termination_condition=MaxMessageTermination(2)
    )
    assert texts(await team.run(task="go")) == ["user: go", "a: 1"]
    assert texts(await team.run(task="more")) == ["user: more", "a: 2"]
    assert texts(await team.run()) == ["a: 3", "a: 4"]


async def test_the_task_alone_can_meet_the_condition() -> None:
    team = RoundRobinGroupChat([assistant("a")], termination_condition=TextMentionTermination("X"))
    result = await team.run(task="X marks the spot")
    assert texts(result) == ["user: X marks the spot"]
    assert result.stop_reason == "Text 'X' mentioned"


async def test_output_task_messages_false_leaves_the_task_out() -> None:
    team = RoundRobinGroupChat([assistant("a", "hi")], max_turns=1)
    result = await team.run(task="go", output_task_messages=False)
    assert texts(result) == ["a: hi"]


async def test_run_stream_yields_events_in_order_and_chunks_only_in_the_stream() -> None:
    writer = AssistantAgent(
        "writer", ReplayChatCompletionClient(["two words"]), model_client_stream=True
    )
    team = RoundRobinGroupChat([writer], max_turns=1, emit_team_events=True)
    items = [item async for item in team.run_stream(task="go")]
    assert isinstance(items[0], TextMessage) and items[0].source == "user"
    assert isinstance(items[1], SelectSpeakerEvent)
    assert items[1].content == ["writer"] and items[1].source == "RoundRobinGroupChatManager"
    chunks = [i for i in items if isinstance(i, ModelClientStreamingChunkEvent)]
    assert "".join(c.content for c in chunks) == "two words"
    result = items[-1]
    assert isinstance(result, TaskResult)
    assert not any(isinstance(m, ModelClientStreamingChunkEvent) for m in result.messages)
    assert [type(m).__name__ for m in result.messages] == [
        "TextMessage",
        "SelectSpeakerEvent",
        "TextMessage",
    ]


async def test_a_participant_can_be_a_team() -> None:
    inner = RoundRobinGroupChat(
        [assistant("drafter", "d1"), assistant("editor", "e1")], name="writers", max_turns=2
    )
    judge = assistant("judge", "ok")
    team = RoundRobinGroupChat([inner, judge], max_turns=2)
    result = await team.run(task="go")
    assert texts(result) == ["user: go", "drafter: d1", "editor: e1", "judge: ok"]
    assert seen_by(judge) == ["user: go", "drafter: d1", "editor: e1"]


async def test_reset_forgets_the_conversation_and_every_agent() -> None:
    a = assistant("a", "1", "2")
    team = RoundRobinGroupChat([a, assistant("b", "x", "y")], max_turns=1)
    await team.run(task="first")
    await team.reset()
    result = await team.run(task="second")
    assert texts(result) == ["user: second", "a: 2"]
    assert seen_by(a) == ["user: second"]
    state = TeamState.model_validate(await team.save_state())
    manager = RoundRobinManagerState.model_validate(
        state.agent_states["RoundRobinGroupChatManager"]
    )
    assert [m["content"] for m in manager.message_thread] == ["second", "2"]


async def test_a_running_team_refuses_a_second_run_and_reset() -> None:
    team = RoundRobinGroupChat([Slow("slow", 0.2)], max_turns=1)
    running = asyncio.create_task(team.run(task="go"))
    await asyncio.sleep(0.02)
    assert team.is_running
    with pytest.raises(ValueError, match="already running"):
        await team.run(task="again")
    with pytest.raises(RuntimeError, match="is running"):
        await team.reset()
    await running
    assert not team.is_running


async def test_state_saved_mid_conversation_continues_in_a_new_team() -> None:
    def build() -> RoundRobinGroupChat:
        return RoundRobinGroupChat(
            [assistant("a", "a1", "a2", "a3"), assistant("b", "b1", "b2"), assistant("c", "c1")],
            max_turns=2,
        )

    original = build()
    await original.run(task="go")
    state = json.loads(json.dumps(await original.save_state()))
    expected = texts(await original.run())

    restored = build()
    # The replay scripts of a fresh team start over: skip the answers already given.
    for agent, used in zip(restored.participants, (1, 1, 0), strict=True):
        assert isinstance(agent, AssistantAgent)
        client = agent.model_client
        assert isinstance(client, ReplayChatCompletionClient)
        client.chat_completions = client.chat_completions[used:]
    await restored.load_state(state)
    assert texts(await restored.run()) == expected == ["c: c1", "a: a2"]
    c = restored.participants[2]
    assert isinstance(c, AssistantAgent)
    assert seen_by(c) == ["user: go", "a: a1", "b: b1"]


async def test_load_state_of_another_team_says_what_is_missing() -> None:
    team = RoundRobinGroupChat([assistant("a")])
    other = RoundRobinGroupChat([assistant("z")])
    with pytest.raises(ValueError, match="no entry for a"):
        await team.load_state(await other.save_state())


async def test_save_state_while_running_waits_for_the_turn_in_progress() -> None:
    slow = Slow("slow", 0.1)
    team = RoundRobinGroupChat([slow, assistant("b", "b1")], max_turns=2)
    running = asyncio.create_task(team.run(task="go"))
    await slow.started.wait()
    state = TeamState.model_validate(await team.save_state())
    manager = state.agent_states["RoundRobinGroupChatManager"]
    assert [m["content"] for m in manager["message_thread"]] == ["go", "slow done"]
    assert manager["next_speaker_index"] == 1
    await running


async def test_save_state_from_the_consuming_loop_on_an_answer_holds_the_whole_turn() -> None:
    team = RoundRobinGroupChat([assistant("a", "a1"), assistant("b", "b1")], max_turns=2)
    async for item in team.run_stream(task="go"):
        if isinstance(item, TextMessage) and item.source == "a":
            state = await team.save_state()
            thread = state["agent_states"]["RoundRobinGroupChatManager"]["message_thread"]
            assert [m["content"] for m in thread] == ["go", "a1"]
            assert state["agent_states"]["b"]["message_buffer"][-1]["content"] == "a1"


@pytest.mark.parametrize("where", ["task", "thread"])
async def test_cancelling_stops_the_run_at_once_and_leaves_nothing_running(where: str) -> None:
    slow = Slow("slow", 10)
    team = RoundRobinGroupChat([slow], max_turns=1)
    token = CancellationToken()
    before = other_tasks()
    running = asyncio.create_task(team.run(task="go", cancellation_token=token))
    await slow.started.wait()
    if where == "task":
        token.cancel()
    else:
        threading.Thread(target=token.cancel).start()
    with pytest.raises(asyncio.CancelledError):
        await running
    # The slow turn (10 s) was cancelled, not waited for.
    assert slow.cancelled and not team.is_running
    assert other_tasks() <= before
    # The team is usable again and continues the conversation.
    slow.delay = 0
    result = await team.run(cancellation_token=CancellationToken(), output_task_messages=False)
    assert texts(result)[0] == "slow: slow done"
    await team.reset()


@pytest.mark.parametrize("condition", [None, TextMentionTermination("NEVER SAID")])
async def test_a_team_without_a_stop_runs_until_cancelled_from_another_thread(
    condition: TextMentionTermination | None,
) -> None:
    """No max_turns and a condition that never fires (or none): the run goes on, and a
    cancel from another thread still ends it, leaving no task behind."""
    team = RoundRobinGroupChat([Slow("a", 0), Slow("b", 0)], termination_condition=condition)
    token = CancellationToken()
    before = other_tasks()
    seen = 0

    async def consume() -> None:
        nonlocal seen
        async for _ in team.run_stream(task="go", cancellation_token=token):
            seen += 1
            if seen == 50:
                threading.Thread(target=token.cancel).start()

    with pytest.raises(asyncio.CancelledError):
        await consume()
    assert seen >= 50 and not team.is_running
    assert other_tasks() <= before


async def test_closing_the_stream_early_stops_the_run() -> None:
    slow = Slow("slow", 10)
    team = RoundRobinGroupChat([assistant("a", "a1"), slow])
    stream = team.run_stream(task="go")
    async for item in stream:
        if isinstance(item, TextMessage) and item.source == "a":
            break
    await stream.aclose()
    assert not team.is_running and not slow.started.is_set()


async def test_an_agent_error_ends_the_run_with_the_error_and_the_team_stays_usable() -> None:
    team = RoundRobinGroupChat([assistant("a", "a1", "a2"), Failing("broken", "x")])
    with pytest.raises(KeyError, match="tool registry"):
        await team.run(task="go")
    assert not team.is_running
    state = await team.save_state()
    thread = state["agent_states"]["RoundRobinGroupChatManager"]["message_thread"]
    assert [m["content"] for m in thread] == ["go", "a1"]


async def test_pause_holds_the_next_turn_until_resume() -> None:
    a, b = Slow("a", 0.05), Slow("b", 0)
    team = RoundRobinGroupChat([a, b], max_turns=2)
    running = asyncio.create_task(team.run(task="go"))
    await a.started.wait()
    await team.pause()
    await asyncio.sleep(0.1)
    assert not b.started.is_set()
    await team.resume()
    result = await running
    assert texts(result)[-1] == "b: b done"


async def test_external_termination_stops_after_the_turn_in_progress() -> None:
    stop = ExternalTermination()
    a = Slow("a", 0.05)
    team = RoundRobinGroupChat([a, assistant("b", "b1")], termination_condition=stop)
    running = asyncio.create_task(team.run(task="go"))
    await a.started.wait()
    stop.set()
    result = await running
    assert texts(result) == ["user: go", "a: a done"]
    assert result.stop_reason == "External termination requested"


class Verdict(BaseModel):
    approved: bool


async def test_custom_message_types_survive_save_and_load() -> None:
    verdict = StructuredMessage[Verdict](content=Verdict(approved=True), source="user")
    team = RoundRobinGroupChat(
        [assistant("a", "a1")],
        max_turns=1,
        custom_message_types=[StructuredMessage[Verdict]],
    )
    await team.run(task=verdict)
    state = json.loads(json.dumps(await team.save_state()))
    fresh = RoundRobinGroupChat(
        [assistant("a")], max_turns=1, custom_message_types=[StructuredMessage[Verdict]]
    )
    await fresh.load_state(state)
    thread = (await fresh.save_state())["agent_states"]["RoundRobinGroupChatManager"]
    assert thread["message_thread"][0]["content"] == {"approved": True}


@pytest.mark.parametrize(
    ("participants", "kwargs", "error"),
    [
        ([], {}, "at least one participant"),
        (["a", "a"], {}, "repeated: a"),
        (["a"], {"max_turns": 0}, "max_turns must be at least 1"),
    ],
)
def test_bad_team_definitions_say_what_is_wrong(
    participants: list[str], kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        RoundRobinGroupChat([assistant(n) for n in participants], **kwargs)


async def test_dump_and_load_round_trip_and_run() -> None:
    team = RoundRobinGroupChat(
        [assistant("a", "a1"), assistant("b", "STOP")],
        name="pair",
        description="Two agents.",
        termination_condition=SourceMatchTermination(["b"]) | MaxMessageTermination(9),
        max_turns=5,
        emit_team_events=True,
    )
    saved = json.loads(team.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.teams.RoundRobinGroupChat"
    assert saved["component_type"] == "team"
    loaded = Team.load_component(saved)
    assert isinstance(loaded, RoundRobinGroupChat)
    assert loaded.dump_component() == team.dump_component()
    result = await loaded.run(task="go")
    assert result.stop_reason == "'b' answered"


def _autogen(name: str) -> dict[str, Any]:
    return json.loads((DATA / "autogen_round_robin.json").read_text(encoding="utf-8"))[name]


async def test_autogen_round_robin_config_loads_unchanged_and_runs() -> None:
    config = _autogen("replay_team")
    assert config["provider"] == "autogen_agentchat.teams.RoundRobinGroupChat"
    team = ComponentLoader.load_component(config, RoundRobinGroupChat)
    assert team.max_turns == 8 and team.emit_team_events
    result = await team.run(task="Write a poem.")
    chat = [m for m in result.messages if isinstance(m, TextMessage)]
    assert [m.content for m in chat] == [
        "Write a poem.",
        "Draft one.",
        "Needs work.",
        "Draft two.",
        "APPROVE",
    ]
    assert result.stop_reason == "Text 'APPROVE' mentioned"
