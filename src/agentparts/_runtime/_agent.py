"""The agent protocol, and a proxy that stands for an agent by its id."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .._cancellation_token import CancellationToken
from ._context import MessageContext
from ._ids import AgentId, AgentMetadata

if TYPE_CHECKING:
    from ._agent_runtime import AgentRuntime

__all__ = ["Agent", "AgentProxy"]


@runtime_checkable
class Agent(Protocol):
    """What a runtime needs of an agent: an id, a message entry point, state, close."""

    @property
    def metadata(self) -> AgentMetadata:
        """The agent's type, key and description."""
        ...

    @property
    def id(self) -> AgentId:
        """The agent's id."""
        ...

    async def bind_id_and_runtime(self, id: AgentId, runtime: AgentRuntime) -> None:
        """Bind the agent to its id and runtime (called by the runtime, once)."""
        ...

    async def on_message(self, message: Any, ctx: MessageContext) -> Any:
        """Handle a message; the return value is the response to an RPC.

        Raises:
            CantHandleException: The agent cannot handle the message.
        """
        ...

    async def save_state(self) -> Mapping[str, Any]:
        """The agent's state, JSON-serializable."""
        ...

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore state made by :meth:`save_state`."""
        ...

    async def close(self) -> None:
        """Release what the agent holds (called when the runtime closes)."""
        ...


class AgentProxy:
    """Stands for an agent by its id: send it messages, read and set its state.

    Args:
        agent: The agent's id.
        runtime: The runtime it lives on.
    """

    def __init__(self, agent: AgentId, runtime: AgentRuntime) -> None:
        self._agent = agent
        self._runtime = runtime

    @property
    def id(self) -> AgentId:
        """The agent's id."""
        return self._agent

    @property
    def metadata(self) -> Awaitable[AgentMetadata]:
        """The agent's metadata (await it)."""
        return self._runtime.agent_metadata(self._agent)

    async def send_message(
        self,
        message: Any,
        *,
        sender: AgentId,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Send the agent a direct message and return its response."""
        return await self._runtime.send_message(
            message,
            recipient=self._agent,
            sender=sender,
            cancellation_token=cancellation_token,
            message_id=message_id,
        )

    async def save_state(self) -> Mapping[str, Any]:
        """The agent's state."""
        return await self._runtime.agent_save_state(self._agent)

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore the agent's state."""
        await self._runtime.agent_load_state(self._agent, state)
