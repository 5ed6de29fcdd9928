"""AutoGen's own way of testing cancellation, after the rename: an unstarted runtime,
stepped one message at a time (``_process_next``), with agents read back afterwards."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from agentparts import (
    AgentId,
    AgentInstantiationContext,
    CancellationToken,
    MessageContext,
    RoutedAgent,
    SingleThreadedAgentRuntime,
    message_handler,
)


@dataclass
class Work: ...


class Slow(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("never finishes")
        self.called = False
        self.cancelled = asyncio.Event()

    @message_handler
    async def on_work(self, message: Work, ctx: MessageContext) -> Work:
        self.called = True
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return message


class Outer(RoutedAgent):
    def __init__(self, inner: AgentId) -> None:
        super().__init__("waits for Slow")
        self.inner = inner
        self.called = False
        self.cancelled = asyncio.Event()

    @message_handler
    async def on_work(self, message: Work, ctx: MessageContext) -> Work:
        self.called = True
        try:
            answer: Work = await self.send_message(
                Work(), self.inner, cancellation_token=ctx.cancellation_token
            )
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return answer


async def _one_queued(runtime: SingleThreadedAgentRuntime) -> None:
    await asyncio.sleep(0)  # one step: the sender queues its message and waits
    assert runtime.unprocessed_messages_count == 1


async def test_cancel_a_message_being_handled() -> None:
    runtime = SingleThreadedAgentRuntime()
    await Slow.register(runtime, "slow", Slow)
    agent_id = AgentId("slow", "default")
    token = CancellationToken()
    response = asyncio.ensure_future(
        runtime.send_message(Work(), agent_id, cancellation_token=token)
    )
    await _one_queued(runtime)
    await runtime._process_next()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await response
    agent = await runtime.try_get_underlying_agent_instance(agent_id, type=Slow)
    await agent.cancelled.wait()  # the handler sees the cancellation on its next step
    assert agent.called
    await runtime.close()


async def test_cancel_reaches_a_nested_message() -> None:
    runtime = SingleThreadedAgentRuntime()
    await Slow.register(runtime, "slow", Slow)
    inner = AgentId("slow", "default")

    def make_outer() -> Outer:
        assert AgentInstantiationContext.current_agent_id() == AgentId("outer", "default")
        return Outer(inner)

    await Outer.register(runtime, "outer", make_outer)
    outer = AgentId("outer", "default")
    token = CancellationToken()
    response = asyncio.ensure_future(runtime.send_message(Work(), outer, cancellation_token=token))
    await _one_queued(runtime)
    await runtime._process_next()  # the outer handler runs and sends to the inner agent
    await _one_queued(runtime)
    await runtime._process_next()  # the inner handler starts
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await response
    outer_agent = await runtime.try_get_underlying_agent_instance(outer, type=Outer)
    inner_agent = await runtime.try_get_underlying_agent_instance(inner, type=Slow)
    await outer_agent.cancelled.wait()
    await inner_agent.cancelled.wait()
    assert outer_agent.called and inner_agent.called
    await runtime.close()
