"""Teams whose participants live on an agent runtime (``runtime=``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agentparts import (
    AgentId,
    CancellationToken,
    DefaultInterventionHandler,
    MessageContext,
    SingleThreadedAgentRuntime,
)
from agentparts.conditions import TextMentionTermination
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import RoundRobinGroupChat, SelectorGroupChat

from .conftest import Slow, assistant


class Recorder(DefaultInterventionHandler):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def on_send(
        self, message: Any, *, message_context: MessageContext, recipient: AgentId
    ) -> Any:
        self.seen.append((type(message).__name__, recipient.type))
        return message


async def test_a_round_robin_team_runs_on_a_runtime_through_its_messages() -> None:
    recorder = Recorder()
    runtime = SingleThreadedAgentRuntime(intervention_handlers=[recorder])
    runtime.start()
    try:
        team = RoundRobinGroupChat(
            [assistant("writer", "draft"), assistant("critic", "APPROVE")],
            termination_condition=TextMentionTermination("APPROVE"),
            runtime=runtime,
        )
        result = await team.run(task="Write.")
        assert [m.to_text() for m in result.messages] == ["Write.", "draft", "APPROVE"]
        turns = [recipient for kind, recipient in recorder.seen if kind == "RunTurn"]
        assert [t.split("_")[1] for t in turns] == ["writer", "critic"]
        # The state goes through the runtime's agent_save_state and back.
        state = await team.save_state()
        assert state["agent_states"]["writer"]["message_buffer"][-1]["content"] == "APPROVE"
        await team.load_state(state)
        await team.reset()
        assert (await team.save_state())["agent_states"]["writer"]["message_buffer"] == []
    finally:
        await runtime.stop()


async def test_cancelling_a_run_on_a_runtime_stops_the_turn() -> None:
    runtime = SingleThreadedAgentRuntime()
    runtime.start()
    try:
        slow = Slow("slow", 10)
        team = RoundRobinGroupChat([slow], runtime=runtime)
        token = CancellationToken()
        running = asyncio.create_task(team.run(task="go", cancellation_token=token))
        await slow.started.wait()
        token.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert slow.cancelled and not team.is_running
    finally:
        await runtime.stop()


async def test_a_selector_team_on_a_runtime() -> None:
    runtime = SingleThreadedAgentRuntime()
    runtime.start()
    try:
        team = SelectorGroupChat(
            [assistant("a", "a1"), assistant("b", "b1")],
            ReplayChatCompletionClient(["b"]),
            max_turns=2,
            runtime=runtime,
        )
        result = await team.run(task="go")
        assert [m.source for m in result.messages] == ["user", "b", "a"]
    finally:
        await runtime.stop()
