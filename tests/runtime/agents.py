"""Messages and agents of the runtime behaviour suite.

Module level, so handlers' type hints resolve and a runtime in another process (Ray) can
import them. Agents report what happened through RPCs (``Query``), never through shared
Python objects, so the same test runs on any runtime.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from agentparts import (
    AgentId,
    AgentInstantiationContext,
    DefaultTopicId,
    MessageContext,
    RoutedAgent,
    TopicId,
    default_subscription,
    event,
    message_handler,
    rpc,
    type_prefix_subscription,
    type_subscription,
)


@dataclass
class Ping:
    n: int


@dataclass
class Pong:
    n: int


@dataclass
class Note:
    text: str


@dataclass
class Forward:
    """Publish ``Note(text)`` to ``topic_type`` (from inside a handler)."""

    text: str
    topic_type: str


@dataclass
class Query:
    """Ask an agent what it saw."""

    what: str = "seen"


@dataclass
class Seen:
    items: list[str] = field(default_factory=lambda: [])


@dataclass
class Fail:
    reason: str


@dataclass
class Block:
    """Handle by waiting forever (until cancelled); record the cancellation."""

    tag: str


@dataclass
class Unknown:
    x: int


@dataclass
class Ask:
    """RPC ``Ping(n)`` to ``AgentId(target_type, target_key)`` and answer with its Pong."""

    n: int
    target_type: str
    target_key: str = "default"
    block_tag: str = ""  # when set, send Block(block_tag) instead of Ping


class Big(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    data: bytes


@dataclass
class Crash:
    """End the process hosting the agent (only ever sent to agents in Ray actors)."""


@dataclass
class Unserializable:
    """No agent handles it, so no serializer is registered for it."""

    x: int


class Recorder(RoutedAgent):
    """Records every Note and Ping it gets as text; answers Query with all of it."""

    def __init__(self, description: str = "records messages") -> None:
        super().__init__(description)
        self.seen: list[str] = []
        self.created_as = str(AgentInstantiationContext.current_agent_id())

    @rpc
    async def on_ping(self, message: Ping, ctx: MessageContext) -> Pong:
        self.seen.append(f"ping:{message.n}:{ctx.sender}")
        return Pong(message.n + 1)

    @event
    async def on_note(self, message: Note, ctx: MessageContext) -> None:
        self.seen.append(f"note:{message.text}:{ctx.topic_id}:{ctx.sender}")

    @rpc
    async def on_query(self, message: Query, ctx: MessageContext) -> Seen:
        if message.what == "id":
            return Seen([self.created_as, str(self.id)])
        return Seen(list(self.seen))

    @message_handler
    async def on_forward(self, message: Forward, ctx: MessageContext) -> None:
        self.seen.append(f"forward:{message.text}")
        await self.publish_message(Note(message.text), DefaultTopicId(type=message.topic_type))

    @rpc
    async def on_fail(self, message: Fail, ctx: MessageContext) -> None:
        raise ValueError(message.reason)

    @event
    async def on_fail_event(self, message: Fail, ctx: MessageContext) -> None:
        raise ValueError(message.reason)

    @rpc
    async def on_block(self, message: Block, ctx: MessageContext) -> None:
        self.seen.append(f"blocked:{message.tag}")
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.seen.append(f"cancelled:{message.tag}")
            raise

    @rpc
    async def on_ask(self, message: Ask, ctx: MessageContext) -> Pong:
        target = AgentId(message.target_type, message.target_key)
        if message.block_tag:
            self.seen.append(f"asking:{message.block_tag}")
            try:
                await self.send_message(
                    Block(message.block_tag), target, cancellation_token=ctx.cancellation_token
                )
            except asyncio.CancelledError:
                self.seen.append(f"ask cancelled:{message.block_tag}")
                raise
        reply: Pong = await self.send_message(
            Ping(message.n), target, cancellation_token=ctx.cancellation_token
        )
        return reply

    @rpc
    async def on_big(self, message: Big, ctx: MessageContext) -> Big:
        return Big(data=message.data[::-1])

    @rpc
    async def on_crash(self, message: Crash, ctx: MessageContext) -> None:
        self.seen.append("crashing")
        os._exit(1)

    async def save_state(self) -> Mapping[str, Any]:
        return {"seen": list(self.seen)}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        self.seen = list(state["seen"])


class Matcher(RoutedAgent):
    """Routes Ping by ``match``: even numbers to one handler, the rest to another."""

    def __init__(self) -> None:
        super().__init__("routes by match")

    @rpc(match=lambda message, ctx: message.n % 2 == 0)  # type: ignore[misc]
    async def a_even(self, message: Ping, ctx: MessageContext) -> Pong:
        return Pong(0)

    @rpc
    async def b_any(self, message: Ping, ctx: MessageContext) -> Pong:
        return Pong(1)

    @rpc
    async def on_union(self, message: Note | Query, ctx: MessageContext) -> Seen:
        return Seen([type(message).__name__])


@default_subscription
class DefaultListener(Recorder):
    pass


@type_subscription("news")
class NewsListener(Recorder):
    pass


@type_prefix_subscription("alerts.")
class AlertListener(Recorder):
    pass


def topic(type_: str, source: str = "default") -> TopicId:
    return TopicId(type_, source)
