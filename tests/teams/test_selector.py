"""SelectorGroupChat: model-chosen speakers that are always eligible, functions, state."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from agentparts import ComponentLoader
from agentparts.base import TaskResult, Team
from agentparts.conditions import MaxMessageTermination
from agentparts.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    ModelClientStreamingChunkEvent,
    SelectorEvent,
    SelectSpeakerEvent,
    TextMessage,
)
from agentparts.models import CreateResult, RequestUsage, UserMessage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import SelectorGroupChat
from agentparts.teams._group_chat._speaker_answer import read_speaker

from .conftest import assistant

DATA = Path(__file__).parent / "data"
Thread = Sequence[BaseAgentEvent | BaseChatMessage]


def speakers(result: TaskResult) -> list[str]:
    return [m.source for m in result.messages if isinstance(m, TextMessage) and m.source != "user"]


def trio(**kwargs: Any) -> tuple[SelectorGroupChat, ReplayChatCompletionClient]:
    selector = ReplayChatCompletionClient(kwargs.pop("answers", []))
    team = SelectorGroupChat(
        [
            assistant("planner", *[f"p{i}" for i in range(30)]),
            assistant("writer", *[f"w{i}" for i in range(30)]),
            assistant("critic", *[f"c{i}" for i in range(30)]),
        ],
        selector,
        **kwargs,
    )
    return team, selector


async def test_the_model_picks_each_speaker_from_the_conversation() -> None:
    team, selector = trio(answers=["writer", "critic", "writer"], max_turns=3)
    result = await team.run(task="Write a haiku.")
    assert speakers(result) == ["writer", "critic", "writer"]
    prompt = selector.calls[1]["messages"][0]
    assert isinstance(prompt, UserMessage)  # a system message only for OpenAI families
    assert "planner: " in prompt.content and "writer: w0" in prompt.content
    assert "['planner', 'critic']" in prompt.content  # the previous speaker is not a candidate


async def test_the_excluded_previous_speaker_is_never_chosen() -> None:
    # The model keeps naming the previous speaker: retries, then the next in order.
    team, selector = trio(
        answers=["writer", "writer", "writer", "writer"], max_turns=2, emit_team_events=True
    )
    result = await team.run(task="go")
    assert speakers(result) == ["writer", "critic"]
    assert len(selector.calls) == 4  # one for turn 1, three attempts for turn 2
    feedback = selector.calls[3]["messages"][-1].content
    assert "writer may not speak now" in feedback
    events = [m for m in result.messages if isinstance(m, SelectorEvent)]
    assert "critic speaks next, in participant order" in events[-1].content


async def test_failure_can_stop_the_run_with_a_clear_reason() -> None:
    team, _ = trio(
        answers=["writer", "", "nobody", "planner and critic"], on_selector_failure="stop"
    )
    result = await team.run(task="go")
    assert speakers(result) == ["writer"]
    assert result.stop_reason is not None
    assert "did not name one of ['planner', 'critic'] in 3 attempts" in result.stop_reason
    assert "More than one name was given (planner, critic)" in result.stop_reason
    # The conversation is kept; the next run asks the selector again.
    assert [m.to_text() for m in result.messages] == ["go", "w0"]


@pytest.mark.parametrize(
    "answer",
    [
        "critic",
        '"critic"',
        '```json\n{"speaker": "critic"}\n```',
        '{"name": "critic"}',
        '["critic"]',
        "**critic**",
        "I think the critic should speak next.",
        "Next: critic.",
    ],
)
def test_answers_in_many_shapes_are_read(answer: str) -> None:
    found = read_speaker(answer, ["planner", "critic"], ["planner", "writer", "critic"])
    assert found.speaker == "critic"


def test_underscored_names_match_their_spellings() -> None:
    for answer in (
        "story_writer",
        "Story writer",
        r"story\_writer",
        "STORY_WRITER",
        "a story writer",
    ):
        found = read_speaker(answer, ["story_writer", "critic"], ["story_writer", "critic"])
        assert found.speaker == "story_writer", answer


def test_a_fuzzed_selector_never_returns_an_ineligible_name() -> None:
    rng = random.Random(20)
    names = ["planner", "writer", "critic", "story_writer", "a", "writer2"]
    pieces = [*names, "user", "```", "json", "{", "}", '"speaker":', ":", ",", "[", "]", "\n", " ",
              "*", "\\_", "the", "next", "WRITER", "writer_", "_critic", "\x00", "é", "null"]  # fmt: skip
    for _ in range(5000):
        candidates = rng.sample(names, rng.randint(1, len(names)))
        answer: object = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.05:
            answer = rng.choice([None, 42, ["writer"], {"speaker": "writer"}])
        found = read_speaker(answer, candidates, names)
        assert found.speaker is None or found.speaker in candidates, (answer, candidates)
        assert (found.speaker is None) == (found.problem is not None)


class Hostile(ReplayChatCompletionClient):
    """A selector model that answers with random junk, names and JSON."""

    def __init__(self, seed: int) -> None:
        super().__init__([])
        self.rng = random.Random(seed)
        self.answers = ["", "planner", "writer", "critic", "everyone", "```json\n{}\n```",
                        '{"speaker": "writer"}', "writer critic", "nobody", "user"]  # fmt: skip

    def _next(self, messages: Any, *args: Any) -> CreateResult:
        self.calls.append({"messages": list(messages)})
        return CreateResult(
            finish_reason="stop", content=self.rng.choice(self.answers), usage=RequestUsage(1, 1)
        )


async def test_a_team_with_a_hostile_selector_only_ever_runs_eligible_speakers() -> None:
    team = SelectorGroupChat(
        [assistant(n, *["x"] * 400) for n in ("planner", "writer", "critic")],
        Hostile(7),
        max_turns=300,
    )
    result = await team.run(task="go")
    order = speakers(result)
    assert len(order) == 300
    assert all(a != b for a, b in itertools.pairwise(order))


def pick_critic_after_writer(thread: Thread) -> str | None:
    return "critic" if thread and thread[-1].source == "writer" else None


async def only_writers(thread: Thread) -> list[str]:
    return ["writer"]


async def test_selector_func_decides_or_defers_to_the_model() -> None:
    team, selector = trio(
        answers=["writer", "planner"], max_turns=3, selector_func=pick_critic_after_writer
    )
    result = await team.run(task="go")
    assert speakers(result) == ["writer", "critic", "planner"]
    assert len(selector.calls) == 2


async def test_selector_func_naming_a_stranger_is_an_error() -> None:
    team, _ = trio(selector_func=lambda thread: "stranger")
    with pytest.raises(ValueError, match="selector_func returned 'stranger'"):
        await team.run(task="go")
    assert not team.is_running


async def test_candidate_func_with_one_name_needs_no_model_call() -> None:
    team, selector = trio(max_turns=2, candidate_func=only_writers, allow_repeated_speaker=True)
    result = await team.run(task="go")
    assert speakers(result) == ["writer", "writer"]
    assert selector.calls == []


async def test_repeated_speaker_allowed_when_asked() -> None:
    team, _ = trio(answers=["writer", "writer"], max_turns=2, allow_repeated_speaker=True)
    assert speakers(await team.run(task="go")) == ["writer", "writer"]


async def test_streaming_selector_emits_chunks_and_its_answer() -> None:
    team, _ = trio(
        answers=["the writer"], max_turns=1, emit_team_events=True, model_client_streaming=True
    )
    result = await team.run(task="go")
    kinds = [type(m).__name__ for m in result.messages]
    assert kinds == ["TextMessage", "SelectorEvent", "SelectSpeakerEvent", "TextMessage"]
    stream = [m async for m in trio(answers=["the writer"], max_turns=1, emit_team_events=True,
                                        model_client_streaming=True)[0].run_stream(task="go")]  # fmt: skip
    chunks = [m for m in stream if isinstance(m, ModelClientStreamingChunkEvent)]
    assert "".join(c.content for c in chunks) == "the writer"
    select = [m for m in stream if isinstance(m, SelectSpeakerEvent)]
    assert select[0].content == ["writer"]


async def test_state_keeps_the_previous_speaker_and_the_selector_history() -> None:
    team, _ = trio(answers=["writer"], max_turns=1)
    await team.run(task="go")
    state = json.loads(json.dumps(await team.save_state()))
    assert state["agent_states"]["SelectorGroupChatManager"]["previous_speaker"] == "writer"
    fresh, selector = trio(answers=["writer", "critic"], max_turns=1)
    await fresh.load_state(state)
    result = await fresh.run()
    assert speakers(result) == ["critic"]  # "writer" was retried away: it spoke last
    assert "writer: w0" in selector.calls[0]["messages"][0].content


async def test_dump_and_load_with_function_references() -> None:
    team, _ = trio(
        answers=["writer"],
        selector_func=pick_critic_after_writer,
        candidate_func=only_writers,
        termination_condition=MaxMessageTermination(4),
        on_selector_failure="stop",
    )
    saved = json.loads(team.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.teams.SelectorGroupChat"
    assert saved["config"]["selector_func"] == f"{__name__}.pick_critic_after_writer"
    loaded = Team.load_component(saved, allowed_providers=["tests"])
    assert isinstance(loaded, SelectorGroupChat)
    assert loaded.selector_func is pick_critic_after_writer
    assert loaded.dump_component() == team.dump_component()


def test_fewer_than_two_participants_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least two participants"):
        SelectorGroupChat([assistant("solo")], ReplayChatCompletionClient([]))


async def test_autogen_selector_config_loads_unchanged_and_runs() -> None:
    config = json.loads((DATA / "autogen_selector.json").read_text())["selector_team"]
    assert config["provider"] == "autogen_agentchat.teams.SelectorGroupChat"
    team = ComponentLoader.load_component(config, SelectorGroupChat)
    result = await team.run(task="Write a poem.")
    assert speakers(result) == ["writer", "critic", "writer", "critic"]
    assert result.stop_reason == "Text 'APPROVE' mentioned"
