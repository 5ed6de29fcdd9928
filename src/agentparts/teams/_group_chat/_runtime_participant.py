"""Participants that live on an agent runtime (a team built with ``runtime=``).

Each participant is registered on the runtime as a :class:`ParticipantAgent` (a routed
agent wrapping the chat agent or inner team); the team's manager reaches it only through
runtime messages (``send_message``), so the runtime's interventions, tracing and state calls
(``agent_save_state``) see every step. A runtime passed to a team is the caller's: start it
before running the team and stop it afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..._cancellation_token import CancellationToken
from ..._runtime import AgentId, AgentRuntime, MessageContext, RoutedAgent, rpc
from ...base import ChatAgent, Response, TaskResult, Team
from ...messages import BaseChatMessage, MessageFactory
from ._participant import LocalParticipant
from ._portable import GroupChatMessageSerializer, ParticipantFactory

if TYPE_CHECKING:
    from ._types import Item  # (type checkers only; the handlers' types are all real)

__all__ = ["ParticipantAgent", "RuntimeParticipant"]


@dataclass
class DeliverMessages:
    """Queue chat messages for the participant's next turn."""

    messages: list[Any] = field(default_factory=list[Any])


@dataclass
class RunTurn:
    """Run one turn; the answer is a :class:`TurnOutput`."""


@dataclass
class TurnOutput:
    """A turn's events and messages, then its ``Response`` or ``TaskResult``."""

    items: list[Any] = field(default_factory=list[Any])


@dataclass
class Done:
    """The answer to a delivery or a command (not ``None``: interventions see a reply)."""


@dataclass
class ParticipantCommand:
    """Reset, pause or resume the participant."""

    action: str


class ParticipantAgent(RoutedAgent):
    """A team participant as a runtime agent: it buffers messages and runs turns.

    Args:
        agent: The chat agent or inner team.
        factory: Recreates saved messages.
    """

    def __init__(self, agent: ChatAgent | Team, factory: MessageFactory) -> None:
        super().__init__(agent.description)
        self._participant = LocalParticipant(agent, factory)

    @rpc
    async def on_deliver(self, message: DeliverMessages, ctx: MessageContext) -> Done:
        """Queue the messages."""
        await self._participant.deliver(message.messages)
        return Done()

    @rpc
    async def on_turn(self, message: RunTurn, ctx: MessageContext) -> TurnOutput:
        """Run a turn and return everything it produced."""
        stream = self._participant.turn(ctx.cancellation_token)
        return TurnOutput([item async for item in stream])

    @rpc
    async def on_command(self, message: ParticipantCommand, ctx: MessageContext) -> Done:
        """Reset, pause or resume."""
        token = ctx.cancellation_token
        if message.action == "reset":
            await self._participant.reset(token)
        elif message.action == "pause":
            await self._participant.pause(token)
        elif message.action == "resume":
            await self._participant.resume(token)
        else:
            raise ValueError(f"Unknown participant command {message.action!r}.")
        return Done()

    async def save_state(self) -> Mapping[str, Any]:
        """The participant's state and queued messages."""
        return await self._participant.save_state()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`save_state` returned."""
        await self._participant.load_state(state)


class RuntimeParticipant:
    """The manager's handle on a participant registered on a runtime.

    Args:
        runtime: The runtime the participant lives on.
        agent: The chat agent or team (registered on first use).
        agent_type: The runtime agent type to register it under.
        factory: Recreates saved messages.
    """

    def __init__(
        self,
        runtime: AgentRuntime,
        agent: ChatAgent | Team,
        agent_type: str,
        factory: MessageFactory,
    ) -> None:
        self._runtime = runtime
        self._agent = agent
        self._factory = factory
        self._id = AgentId(agent_type, "default")
        self._registered = False

    @property
    def name(self) -> str:
        """The participant's name."""
        return self._agent.name

    @property
    def description(self) -> str:
        """What the participant does."""
        return self._agent.description

    async def register(self) -> None:
        """Register the participant's agent type on the runtime (once)."""
        if self._registered:
            return
        factory = self._factory
        await ParticipantAgent.register(
            self._runtime,
            self._id.type,
            ParticipantFactory(ParticipantAgent, self._agent, factory),
            skip_class_subscriptions=True,
        )
        # Chat messages inside these cross processes as their dumps (replacing the
        # dataclass serializers the registration added, which cannot carry them).
        self._runtime.add_message_serializer(
            [GroupChatMessageSerializer(DeliverMessages, factory),
             GroupChatMessageSerializer(TurnOutput, factory)]
        )  # fmt: skip
        self._registered = True

    async def deliver(self, messages: Sequence[BaseChatMessage]) -> None:
        """Queue messages on the participant's agent."""
        await self._runtime.send_message(DeliverMessages(list(messages)), self._id)

    async def turn(
        self, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Item | Response | TaskResult, None]:
        """Run a turn on the runtime; its items arrive when it ends."""
        output = await self._runtime.send_message(
            RunTurn(), self._id, cancellation_token=cancellation_token
        )
        for item in output.items:
            yield item

    async def _command(self, action: str, token: CancellationToken) -> None:
        await self._runtime.send_message(
            ParticipantCommand(action), self._id, cancellation_token=token
        )

    async def reset(self, cancellation_token: CancellationToken) -> None:
        """Reset the participant."""
        await self._command("reset", cancellation_token)

    async def pause(self, cancellation_token: CancellationToken) -> None:
        """Pause the participant."""
        await self._command("pause", cancellation_token)

    async def resume(self, cancellation_token: CancellationToken) -> None:
        """Resume the participant."""
        await self._command("resume", cancellation_token)

    async def save_state(self) -> Mapping[str, Any]:
        """The participant's state, through the runtime."""
        return await self._runtime.agent_save_state(self._id)

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore the participant's state, through the runtime."""
        await self._runtime.agent_load_state(self._id, state)
