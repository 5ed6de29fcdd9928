"""agentparts.conditions: every condition's semantics, reset, | and &, and saving."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import agentparts.conditions as conditions_module
from agentparts import ComponentLoader, FunctionCall
from agentparts.base import (
    AndTerminationCondition,
    OrTerminationCondition,
    TerminatedException,
    TerminationCondition,
)
from agentparts.conditions import (
    MODEL_PRICES,
    CostTermination,
    ExternalTermination,
    FunctionalTermination,
    FunctionCallTermination,
    HandoffTermination,
    MaxMessageTermination,
    ModelPrice,
    SourceMatchTermination,
    StopMessageTermination,
    TextMentionTermination,
    TextMessageTermination,
    TimeoutTermination,
    TokenUsageTermination,
)
from agentparts.errors import ComponentConfigError
from agentparts.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    HandoffMessage,
    StopMessage,
    TextMessage,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
)
from agentparts.models import FunctionExecutionResult, RequestUsage

DATA = Path(__file__).parent / "data"


def text(content: str, source: str = "a", usage: RequestUsage | None = None) -> TextMessage:
    return TextMessage(content=content, source=source, models_usage=usage)


def last_is_stop(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> bool:
    return bool(messages) and isinstance(messages[-1], StopMessage)


async def mentions_done(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> bool:
    await asyncio.sleep(0)
    return any("done" in m.to_text() for m in messages)


def test_public_names_sorted() -> None:
    assert conditions_module.__all__ == sorted(
        conditions_module.__all__, key=lambda n: (not n.isupper(), n)
    )


async def test_max_message_counts_chat_messages_and_optionally_events() -> None:
    condition = MaxMessageTermination(3)
    assert await condition([text("1"), ThoughtEvent(content="t", source="a")]) is None
    assert not condition.terminated
    assert await condition([text("2")]) is None
    stop = await condition([text("3")])
    assert stop is not None and "Maximum number of messages 3 reached" in stop.content
    assert stop.source == "MaxMessageTermination"
    assert condition.terminated
    with pytest.raises(TerminatedException, match="reset"):
        await condition([text("4")])
    await condition.reset()
    assert not condition.terminated
    with_events = MaxMessageTermination(2, include_agent_event=True)
    assert await with_events([text("1"), ThoughtEvent(content="t", source="a")]) is not None
    with pytest.raises(ValueError, match="at least 1"):
        MaxMessageTermination(0)


async def test_text_mention_looks_at_text_of_messages_and_events_from_sources() -> None:
    condition = TextMentionTermination("TERMINATE", sources=["critic"])
    assert await condition([text("TERMINATE", source="writer")]) is None
    assert await condition([text("ok", source="critic")]) is None
    stop = await condition([ThoughtEvent(content="I say TERMINATE", source="critic")])
    assert stop is not None and stop.content == "Text 'TERMINATE' mentioned"
    await condition.reset()
    assert not condition.terminated
    with pytest.raises(ValueError, match="non-empty"):
        TextMentionTermination("")


async def test_stop_message_handoff_source_text_message_and_function_call() -> None:
    assert await StopMessageTermination()([text("x")]) is None
    assert await StopMessageTermination()([StopMessage(content="bye", source="a")]) is not None

    handoff = HandoffTermination("user")
    assert await handoff([HandoffMessage(content="", target="planner", source="a")]) is None
    stop = await handoff([HandoffMessage(content="", target="user", source="a")])
    assert stop is not None and stop.content == "Handoff to user from a detected."

    source = SourceMatchTermination(["critic"])
    assert await source([text("x", source="writer")]) is None
    stop = await source([text("x", source="critic")])
    assert stop is not None and stop.content == "'critic' answered"

    text_message = TextMessageTermination("writer")
    call = FunctionCall(id="1", name="approve", arguments="{}")
    request = ToolCallRequestEvent(content=[call], source="writer")
    assert await text_message([request, text("x", source="critic")]) is None
    assert await text_message([text("x", source="writer")]) is not None
    assert await TextMessageTermination()([text("x", source="anyone")]) is not None

    function_call = FunctionCallTermination("approve")
    other = FunctionExecutionResult(content="1", name="add", call_id="1", is_error=False)
    approved = FunctionExecutionResult(content="ok", name="approve", call_id="2", is_error=False)
    assert await function_call([ToolCallExecutionEvent(content=[other], source="a")]) is None
    stop = await function_call([ToolCallExecutionEvent(content=[other, approved], source="a")])
    assert stop is not None and stop.content == "Function 'approve' was executed."


async def test_token_usage_limits_each_count() -> None:
    usage = RequestUsage(prompt_tokens=30, completion_tokens=10)
    total = TokenUsageTermination(max_total_token=100)
    assert await total([text("a", usage=usage), text("b")]) is None
    assert await total([text("c", usage=usage)]) is None  # 80
    stop = await total([text("d", usage=usage)])  # 120
    assert stop is not None and "total token count: 120" in stop.content
    completion = TokenUsageTermination(max_completion_token=20)
    assert await completion([text("a", usage=usage)]) is None
    assert await completion([text("a", usage=usage)]) is not None
    prompt = TokenUsageTermination(max_prompt_token=30)
    assert await prompt([text("a", usage=usage)]) is not None
    await prompt.reset()
    assert not prompt.terminated
    with pytest.raises(ValueError, match="at least one"):
        TokenUsageTermination()


async def test_cost_uses_the_price_table_and_overrides() -> None:
    assert MODEL_PRICES["gpt-4o-mini"] == ModelPrice(0.15, 0.6)
    condition = CostTermination(0.001, model="gpt-4o-mini")
    usage = RequestUsage(prompt_tokens=2_000, completion_tokens=500)  # $0.0006
    assert await condition([text("a", usage=usage)]) is None
    assert condition.cost == pytest.approx(0.0006)
    stop = await condition([text("b", usage=usage)])
    assert stop is not None and "Cost budget of $0.001 reached" in stop.content
    custom = CostTermination(1.0, model="mine", prompt_price=1_000_000, completion_price=0)
    assert await custom([text("a", usage=RequestUsage(1, 1000))]) is not None
    with pytest.raises(ValueError, match="No price known for model 'mine'"):
        CostTermination(1.0, model="mine")
    with pytest.raises(ValueError, match="positive"):
        CostTermination(float("nan"), model="gpt-4o")


async def test_timeout_fires_after_the_time_and_reset_restarts_the_clock() -> None:
    condition = TimeoutTermination(60)
    assert await condition([]) is None
    await condition.load_state({"elapsed": 60.0})  # as if a minute had passed
    stop = await condition([])
    assert stop is not None and stop.content == "Timeout of 60 seconds reached"
    with pytest.raises(TerminatedException):
        await condition([])
    await condition.reset()
    assert await condition([]) is None
    short = TimeoutTermination(0.01)
    await asyncio.sleep(0.02)  # the clock runs by itself too
    assert await short([]) is not None


async def test_external_fires_only_after_set() -> None:
    condition = ExternalTermination()
    assert await condition([text("a")]) is None
    condition.set()
    assert not condition.terminated
    assert await condition([]) is not None
    assert condition.terminated
    await condition.reset()
    assert await condition([text("a")]) is None


async def test_functional_with_sync_and_async_functions() -> None:
    sync = FunctionalTermination(last_is_stop)
    assert await sync([text("a")]) is None
    assert await sync([StopMessage(content="x", source="a")]) is not None
    asynchronous = FunctionalTermination(mentions_done)
    assert await asynchronous([text("not yet")]) is None
    stop = await asynchronous([text("done")])
    assert stop is not None and stop.source == "FunctionalTermination"


async def test_or_stops_on_either_and_on_both_and_reset_resets_both() -> None:
    either = MaxMessageTermination(3) | TextMentionTermination("STOP")
    assert isinstance(either, OrTerminationCondition)
    stop = await either([text("STOP")])
    assert stop is not None and stop.content == "Text 'STOP' mentioned"
    with pytest.raises(TerminatedException):
        await either([text("x")])
    await either.reset()
    assert await either([text("x")]) is None

    both = MaxMessageTermination(2) & TextMentionTermination("STOP")
    assert isinstance(both, AndTerminationCondition)
    assert await both([text("STOP")]) is None  # mention met, count not yet
    stop = await both([text("x")])
    assert stop is not None
    assert "Text 'STOP' mentioned" in stop.content and "Maximum number" in stop.content
    await both.reset()
    assert not both.terminated
    assert await both([text("x"), text("y")]) is None


ALL_CONDITIONS: list[TerminationCondition] = [
    MaxMessageTermination(5, include_agent_event=True),
    TextMentionTermination("TERMINATE", sources=["b", "a"]),
    StopMessageTermination(),
    TokenUsageTermination(max_total_token=100, max_completion_token=10),
    HandoffTermination("user"),
    TimeoutTermination(30),
    ExternalTermination(),
    SourceMatchTermination(["critic"]),
    TextMessageTermination("writer"),
    FunctionCallTermination("approve"),
    FunctionalTermination(last_is_stop),
    CostTermination(2.5, model="gpt-4o", completion_price=12.0),
    TextMentionTermination("APPROVE") | (MaxMessageTermination(10) & ExternalTermination()),
]


@pytest.mark.parametrize("condition", ALL_CONDITIONS, ids=lambda c: type(c).__name__)
def test_every_condition_saves_and_loads(condition: TerminationCondition) -> None:
    saved = json.loads(condition.dump_component().model_dump_json())
    assert saved["provider"].startswith("agentparts.")
    assert saved["component_type"] == "termination"
    loaded = TerminationCondition.load_component(saved, allowed_providers=["tests"])
    assert type(loaded) is type(condition)
    assert loaded.dump_component() == condition.dump_component()


def test_functional_with_a_lambda_cannot_be_saved() -> None:
    with pytest.raises(ComponentConfigError, match="import reference"):
        FunctionalTermination(lambda messages: True).dump_component()


def test_functional_loads_only_allowed_references() -> None:
    saved = FunctionalTermination(last_is_stop).dump_component().model_dump()
    saved["config"]["func"] = "os.system"
    with pytest.raises(Exception, match="not under an allowed prefix"):
        ComponentLoader.load_component(saved)


def _autogen_configs() -> list[dict[str, Any]]:
    return json.loads((DATA / "autogen_conditions.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("config", _autogen_configs(), ids=lambda c: c["label"])
async def test_autogen_dumped_conditions_load_unchanged(config: dict[str, Any]) -> None:
    assert config["provider"].startswith("autogen_agentchat.")
    condition = TerminationCondition.load_component(config)
    assert type(condition).__name__ == config["label"]
    ours = condition.dump_component().config
    for key, value in config["config"].items():
        if key != "conditions":
            assert ours[key] == value


async def test_autogen_max_message_config_keeps_its_meaning() -> None:
    config = _autogen_configs()[0]
    assert config["config"] == {"max_messages": 5, "include_agent_event": True}
    condition = ComponentLoader.load_component(config, MaxMessageTermination)
    events = [ThoughtEvent(content=str(i), source="a") for i in range(4)]
    assert await condition(events) is None
    assert await condition([ThoughtEvent(content="5", source="a")]) is not None


async def _resumed(condition: TerminationCondition, fresh: TerminationCondition) -> None:
    """Load ``condition``'s saved state (through JSON, as a checkpoint does) into ``fresh``."""
    from agentparts.base._termination import load_condition_state, save_condition_state

    saved = json.loads(json.dumps(await save_condition_state(condition)))
    assert await load_condition_state(fresh, saved)


async def test_counting_conditions_continue_their_count_after_a_state_round_trip() -> None:
    usage = RequestUsage(prompt_tokens=30, completion_tokens=5)
    cases: list[tuple[TerminationCondition, TerminationCondition, list[TextMessage]]] = [
        (MaxMessageTermination(3), MaxMessageTermination(3), [text("a"), text("b")]),
        (
            TokenUsageTermination(max_total_token=70),
            TokenUsageTermination(max_total_token=70),
            [text("a", usage=usage)],
        ),
        (
            CostTermination(0.0001, "gpt-4o"),
            CostTermination(0.0001, "gpt-4o"),
            [text("a", usage=RequestUsage(prompt_tokens=30, completion_tokens=0))],
        ),
    ]
    for before, after, first in cases:
        assert await before(first) is None
        await _resumed(before, after)
        # One more message of the same kind reaches the limit only with the restored count.
        assert await after(first[-1:]) is not None, type(after).__name__
        assert await type(before).load_component(before.dump_component())(first[-1:]) is None


async def test_timeout_keeps_the_budget_used_before_the_save() -> None:
    used = TimeoutTermination(60)
    await used.load_state({"elapsed": 60.0, "terminated": False})
    assert await used([text("a")]) is not None
    fresh = TimeoutTermination(60)
    await _resumed(fresh, used)  # a state with (almost) nothing used gives the budget back
    assert await used([text("a")]) is None
    assert 0 <= used.elapsed < 60


async def test_composites_and_latched_conditions_restore_each_part() -> None:
    both = TextMentionTermination("A") & MaxMessageTermination(3)
    assert await both([text("A")]) is None  # the mention is met, the count is at 1
    restored = TextMentionTermination("A") & MaxMessageTermination(3)
    await _resumed(both, restored)
    stop = await restored([text("x"), text("y")])
    assert stop is not None and "Text 'A' mentioned" in stop.content
    external = ExternalTermination()
    external.set()
    later = ExternalTermination()
    await _resumed(external, later)
    assert await later([]) is not None
    either = MaxMessageTermination(2) | TimeoutTermination(60)
    await either([text("a")])
    other = MaxMessageTermination(2) | TimeoutTermination(60)
    await _resumed(either, other)
    assert await other([text("b")]) is not None


async def test_a_state_of_another_condition_is_not_loaded_and_a_damaged_one_is_refused() -> None:
    from agentparts.base._termination import load_condition_state, save_condition_state

    counted = MaxMessageTermination(2)
    await counted([text("a")])
    saved = await save_condition_state(counted)
    other = TokenUsageTermination(max_total_token=1)
    assert not await load_condition_state(other, saved)
    pair = MaxMessageTermination(2) | StopMessageTermination()
    assert await load_condition_state(pair, {"condition": "OrTerminationCondition", "state": {}})
    assert await pair([text("a")]) is None  # nothing was restored: the count starts at 0
    for damaged in ({"count": -1}, {"count": "3"}, {"count": float("nan")}, {"count": True}):
        with pytest.raises(ValueError, match="saved termination state has count"):
            await MaxMessageTermination(2).load_state(damaged)
