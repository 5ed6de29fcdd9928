"""Registration: subscriptions, serializers, agent factories and instances, state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from .._agent import Agent
from .._ids import AgentId, AgentMetadata, AgentType
from .._serialization import MessageSerializer
from .._subscriptions import Subscription
from ._state import RuntimeState

__all__ = ["Registry"]

T = TypeVar("T", bound=Agent)


class Registry(RuntimeState):
    """The runtime's registration and state methods."""

    # --- registration ---------------------------------------------------------------------

    async def add_subscription(self, subscription: Subscription) -> None:
        """Add a subscription.

        Raises:
            ValueError: An equal subscription exists.
        """
        self._subscriptions.add(subscription)

    async def remove_subscription(self, id: str) -> None:
        """Remove the subscription with this id.

        Raises:
            ValueError: No subscription has this id.
        """
        self._subscriptions.remove(id)

    def add_message_serializer(
        self, serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]]
    ) -> None:
        """Register serializers (used here only to write message payloads into events)."""
        self._serializers.add_serializer(serializer)

    # --- agents ---------------------------------------------------------------------------

    async def register_factory(
        self,
        type: str | AgentType,
        agent_factory: Callable[[], T | Awaitable[T]],
        *,
        expected_class: type[T] | None = None,
    ) -> AgentType:
        """Register how to create agents of ``type``; each is created on its first message.

        Args:
            type: The agent type's name.
            agent_factory: Returns an agent (or an awaitable of one); inside it,
                :class:`AgentInstantiationContext` tells the runtime and the agent id.
            expected_class: The class the factory must return (checked at creation).

        Raises:
            ValueError: The type is registered already, or its name is invalid.
            TypeError: The factory takes arguments (other than the deprecated two).
        """
        return await self._table.register_factory(
            type, agent_factory, expected_class=expected_class
        )

    async def register_agent_instance(self, agent_instance: Agent, agent_id: AgentId) -> AgentId:
        """Register an existing agent object under ``agent_id``.

        Raises:
            ValueError: The id is taken, the type has a factory, or the type's other
                instances are of another class.
        """
        return await self._table.register_agent_instance(agent_instance, agent_id)

    async def try_get_underlying_agent_instance(self, id: AgentId, type: type[T] = Agent) -> T:  # type: ignore[assignment]
        """The agent object (created if needed).

        Raises:
            AgentTypeNotFoundError: No such agent type.
            TypeError: The agent is not an instance of ``type``.
        """
        agent = await self._get_agent(id)
        if not isinstance(agent, type):
            raise TypeError(f"Agent {id} is a {agent.__class__.__name__}, not a {type.__name__}.")
        return agent

    async def get(
        self, id_or_type: AgentId | AgentType | str, /, key: str = "default", *, lazy: bool = True
    ) -> AgentId:
        """The id of an agent, created at once when ``lazy`` is False.

        Raises:
            AgentTypeNotFoundError: ``lazy`` is False and the type is not registered.
        """
        if isinstance(id_or_type, AgentId):
            agent_id = id_or_type
        else:
            name = id_or_type if isinstance(id_or_type, str) else id_or_type.type
            agent_id = AgentId(name, key)
        if not lazy:
            await self._get_agent(agent_id)
        return agent_id

    async def agent_metadata(self, agent: AgentId) -> AgentMetadata:
        """An agent's metadata (the agent is created if needed)."""
        return (await self._get_agent(agent)).metadata

    async def agent_save_state(self, agent: AgentId) -> Mapping[str, Any]:
        """One agent's state."""
        return await (await self._get_agent(agent)).save_state()

    async def agent_load_state(self, agent: AgentId, state: Mapping[str, Any]) -> None:
        """Restore one agent's state (the agent is created if needed)."""
        await (await self._get_agent(agent)).load_state(state)

    async def save_state(self) -> Mapping[str, Any]:
        """The state of every agent created so far, keyed by ``str(agent_id)``.

        Subscriptions are not saved: they come back when the agents are registered again.
        """
        return {
            str(agent_id): dict(await agent.save_state())
            for agent_id, agent in list(self._agents.items())
        }

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore agents from :meth:`save_state`, creating them as needed.

        Entries of agent types not registered here are skipped.
        """
        for key, agent_state in state.items():
            agent_id = AgentId.from_str(key)
            if agent_id.type in self._factories:
                await (await self._get_agent(agent_id)).load_state(agent_state)
