"""agentparts.base: TaskResult, Response, Handoff, TerminationCondition, and a custom
BaseChatAgent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Self

import pytest
from pydantic import BaseModel, ValidationError

import agentparts.agents as agents_module
import agentparts.base as base_module
from agentparts import CancellationToken, Component
from agentparts.agents import BaseChatAgent
from agentparts.base import (
    Handoff,
    Response,
    TaskResult,
    TerminatedException,
    TerminationCondition,
)
from agentparts.messages import BaseAgentEvent, BaseChatMessage, StopMessage, TextMessage


def test_public_names_sorted() -> None:
    assert base_module.__all__ == sorted(base_module.__all__)
    assert agents_module.__all__ == sorted(agents_module.__all__)


def test_handoff_defaults_and_tool() -> None:
    handoff = Handoff(target="Planner")
    assert handoff.name == "transfer_to_planner"
    assert handoff.description == "Handoff to Planner."
    assert "Transferred to Planner" in handoff.message
    tool = handoff.handoff_tool
    assert tool.name == "transfer_to_planner"
    assert tool.schema["description"] == "Handoff to Planner."
    with pytest.raises(ValidationError, match="identifier"):
        Handoff(target="x", name="not valid")


class MaxMessagesConfig(BaseModel):
    max_messages: int


class MaxMessages(TerminationCondition, Component[MaxMessagesConfig]):
    component_config_schema = MaxMessagesConfig

    def __init__(self, max_messages: int) -> None:
        self._max = max_messages
        self._count = 0

    @property
    def terminated(self) -> bool:
        return self._count >= self._max

    async def __call__(
        self, messages: Sequence[BaseAgentEvent | BaseChatMessage]
    ) -> StopMessage | None:
        if self.terminated:
            raise TerminatedException("already")
        self._count += len(messages)
        return (
            StopMessage(content=f"{self._max} messages", source="MaxMessages")
            if self.terminated
            else None
        )

    async def reset(self) -> None:
        self._count = 0

    def _to_config(self) -> MaxMessagesConfig:
        return MaxMessagesConfig(max_messages=self._max)

    @classmethod
    def _from_config(cls, config: MaxMessagesConfig) -> Self:
        return cls(config.max_messages)


def msg(text: str = "x") -> TextMessage:
    return TextMessage(content=text, source="user")


async def test_or_stops_at_the_first_and_and_at_the_last() -> None:
    either = MaxMessages(1) | MaxMessages(3)
    stop = await either([msg()])
    assert stop is not None and stop.content == "1 messages"
    with pytest.raises(TerminatedException):
        await either([msg()])
    await either.reset()
    assert not either.terminated

    both = MaxMessages(1) & MaxMessages(2)
    assert await both([msg()]) is None
    stop = await both([msg()])
    assert stop is not None and "1 messages" in stop.content and "2 messages" in stop.content


def test_composite_conditions_are_components() -> None:
    condition = MaxMessages(2) | (MaxMessages(1) & MaxMessages(5))
    saved = json.loads(condition.dump_component().model_dump_json())
    loaded = TerminationCondition.load_component(saved)
    assert loaded.dump_component() == condition.dump_component()


def test_task_result_dumps_messages_with_their_fields() -> None:
    result = TaskResult(
        messages=[msg("hi"), StopMessage(content="bye", source="a")], stop_reason="done"
    )
    data = result.model_dump(mode="json")
    assert [m["type"] for m in data["messages"]] == ["TextMessage", "StopMessage"]
    assert data["messages"][0]["content"] == "hi"


class EchoAgent(BaseChatAgent):
    """Answers with the last message's text, reversed."""

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        text = messages[-1].to_text()[::-1] if messages else ""
        return Response(chat_message=TextMessage(content=text, source=self.name), inner_messages=[])


async def test_custom_agent_runs_through_run_and_run_stream() -> None:
    agent = EchoAgent("echo", "Reverses text.")
    result = await agent.run(task="abc")
    assert [m.to_text() for m in result.messages] == ["abc", "cba"]
    streamed = [
        item async for item in agent.run_stream(task=[msg("xy")], output_task_messages=False)
    ]
    assert isinstance(streamed[-1], TaskResult)
    assert [m.to_text() for m in streamed[-1].messages] == ["yx"]
    assert (await agent.run()).messages[-1].to_text() == ""
    with pytest.raises(TypeError, match="list holds"):
        await agent.run(task=["not a message"])  # type: ignore[list-item]
    assert (await agent.save_state())["type"] == "BaseState"
