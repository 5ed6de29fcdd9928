"""The runtime protocol every runtime implements (in-process, Ray)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, overload, runtime_checkable

from .._cancellation_token import CancellationToken
from ._agent import Agent
from ._ids import AgentId, AgentMetadata, AgentType, TopicId
from ._serialization import MessageSerializer
from ._subscriptions import Subscription

__all__ = ["AgentRuntime"]

T = TypeVar("T", bound=Agent)


@runtime_checkable
class AgentRuntime(Protocol):
    """Delivers messages between agents it creates on demand from registered factories."""

    async def send_message(
        self,
        message: Any,
        recipient: AgentId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Deliver ``message`` to ``recipient`` and return its handler's response (RPC).

        Raises:
            CantHandleException: The recipient has no handler for the message.
            UndeliverableException: No such agent type, or the runtime stopped first.
            asyncio.CancelledError: The token was cancelled.
            Exception: Whatever the handler raised, as it raised it.
        """
        ...

    async def publish_message(
        self,
        message: Any,
        topic_id: TopicId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> None:
        """Queue ``message`` for every agent subscribed to ``topic_id`` (except the sender)."""
        ...

    async def register_factory(
        self,
        type: str | AgentType,
        agent_factory: Callable[[], T | Awaitable[T]],
        *,
        expected_class: type[T] | None = None,
    ) -> AgentType:
        """Register how to create agents of ``type`` (created on their first message)."""
        ...

    async def register_agent_instance(self, agent_instance: Agent, agent_id: AgentId) -> AgentId:
        """Register an existing agent under ``agent_id``."""
        ...

    async def try_get_underlying_agent_instance(self, id: AgentId, type: type[T] = Agent) -> T:  # type: ignore[assignment]
        """The agent object itself (only where it lives in this process)."""
        ...

    @overload
    async def get(self, id_or_type: AgentId, /, *, lazy: bool = ...) -> AgentId: ...

    @overload
    async def get(
        self, id_or_type: AgentType | str, /, key: str = ..., *, lazy: bool = ...
    ) -> AgentId: ...

    async def get(
        self, id_or_type: AgentId | AgentType | str, /, key: str = "default", *, lazy: bool = True
    ) -> AgentId:
        """The id of an agent (created at once when ``lazy`` is False)."""
        ...

    async def save_state(self) -> Mapping[str, Any]:
        """The state of every agent created so far, by agent id string."""
        ...

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore agents' state from :meth:`save_state`."""
        ...

    async def agent_metadata(self, agent: AgentId) -> AgentMetadata:
        """An agent's metadata."""
        ...

    async def agent_save_state(self, agent: AgentId) -> Mapping[str, Any]:
        """One agent's state."""
        ...

    async def agent_load_state(self, agent: AgentId, state: Mapping[str, Any]) -> None:
        """Restore one agent's state."""
        ...

    async def add_subscription(self, subscription: Subscription) -> None:
        """Add a subscription."""
        ...

    async def remove_subscription(self, id: str) -> None:
        """Remove a subscription by id."""
        ...

    def add_message_serializer(
        self, serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]]
    ) -> None:
        """Register serializers for message types."""
        ...
