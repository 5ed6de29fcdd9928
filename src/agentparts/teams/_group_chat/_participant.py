"""How a group chat reaches its participants: the seam between a team and where agents run.

A team's manager never calls an agent directly: it talks to a :class:`Participant`, which
buffers the messages the agent has not seen and runs the agent's turn. The in-process
implementation, :class:`LocalParticipant`, calls the agent in the team's task (no queue, no
task per turn: the cheapest path). A participant living on an agent runtime implements the
same interface by sending these calls as runtime messages, so a team's API does not change
with where its participants run.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ...base import Team

if TYPE_CHECKING:
    from ..._cancellation_token import CancellationToken
    from ...base import ChatAgent, Response, TaskResult
    from ...messages import BaseChatMessage, MessageFactory
    from ._types import Item

__all__ = ["LocalParticipant", "Participant"]


class Participant(Protocol):
    """One participant of a group chat, as the manager sees it."""

    @property
    def name(self) -> str:
        """The participant's name, unique in the team."""
        ...

    @property
    def description(self) -> str:
        """What the participant does (for selectors)."""
        ...

    async def deliver(self, messages: Sequence[BaseChatMessage]) -> None:
        """Queue chat messages for the participant's next turn."""
        ...

    def turn(
        self, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Item | Response | TaskResult, None]:
        """Run one turn on the queued messages: events and messages, then a ``Response``
        (an agent) or a ``TaskResult`` (a team)."""
        ...

    async def reset(self, cancellation_token: CancellationToken) -> None:
        """Forget the queued messages and reset the participant."""
        ...

    async def pause(self, cancellation_token: CancellationToken) -> None:
        """Tell the participant the team pauses."""
        ...

    async def resume(self, cancellation_token: CancellationToken) -> None:
        """Tell the participant the team resumes."""
        ...

    async def save_state(self) -> Mapping[str, Any]:
        """The participant's state and its queued messages."""
        ...

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`save_state` returned."""
        ...


class LocalParticipant:
    """A participant (agent or team) called in the team's own task.

    Args:
        agent: The agent or inner team.
        factory: Recreates queued messages when a state is loaded.
    """

    __slots__ = ("_agent", "_buffer", "_factory")

    def __init__(self, agent: ChatAgent | Team, factory: MessageFactory) -> None:
        self._agent = agent
        self._factory = factory
        self._buffer: list[BaseChatMessage] = []

    @property
    def agent(self) -> ChatAgent | Team:
        """The agent or team."""
        return self._agent

    @property
    def name(self) -> str:
        """The participant's name."""
        return self._agent.name

    @property
    def description(self) -> str:
        """What the participant does."""
        return self._agent.description

    async def deliver(self, messages: Sequence[BaseChatMessage]) -> None:
        """Queue messages for the next turn."""
        self._buffer.extend(messages)

    async def turn(
        self, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Item | Response | TaskResult, None]:
        """Run the agent (or inner team) on the queued messages."""
        messages, self._buffer = self._buffer, []
        agent = self._agent
        if isinstance(agent, Team):
            stream = agent.run_stream(
                task=messages, cancellation_token=cancellation_token, output_task_messages=False
            )
        else:
            stream = agent.on_messages_stream(messages, cancellation_token)
        try:
            async for item in stream:
                yield item
        except BaseException:
            self._buffer[:0] = messages  # not seen: the next turn gets them again
            raise
        finally:
            await stream.aclose()

    async def reset(self, cancellation_token: CancellationToken) -> None:
        """Drop the queue and reset the agent or team."""
        self._buffer.clear()
        if isinstance(self._agent, Team):
            await self._agent.reset()
        else:
            await self._agent.on_reset(cancellation_token)

    async def pause(self, cancellation_token: CancellationToken) -> None:
        """Pause the agent or team."""
        if isinstance(self._agent, Team):
            await self._agent.pause()
        else:
            await self._agent.on_pause(cancellation_token)

    async def resume(self, cancellation_token: CancellationToken) -> None:
        """Resume the agent or team."""
        if isinstance(self._agent, Team):
            await self._agent.resume()
        else:
            await self._agent.on_resume(cancellation_token)

    async def save_state(self) -> Mapping[str, Any]:
        """A ``ChatAgentContainerState``: the agent's state and the queued messages."""
        from ...state import ChatAgentContainerState  # (the state models load on first use)

        return ChatAgentContainerState(
            agent_state=dict(await self._agent.save_state()),
            message_buffer=[dict(m.dump()) for m in self._buffer],
        ).model_dump()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore the queue and the agent's state.

        Raises:
            ValueError: the saved queue holds something that is not a chat message.
        """
        from ...messages import BaseChatMessage
        from ...state import ChatAgentContainerState

        saved = ChatAgentContainerState.model_validate(state)
        buffer: list[BaseChatMessage] = []
        for data in saved.message_buffer:
            message = self._factory.create(data)
            if not isinstance(message, BaseChatMessage):
                raise ValueError(
                    f"The saved queue of {self.name!r} holds a {type(message).__name__}, "
                    "which is not a chat message: the state is not from save_state()."
                )
            buffer.append(message)
        await self._agent.load_state(saved.agent_state)
        self._buffer = buffer
