"""The Ray actor that hosts one agent, and the runtime its agent sees inside the actor."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from ..._cancellation_token import CancellationToken
from ..._runtime._agent import Agent
from ..._runtime._agent_runtime import AgentRuntime
from ..._runtime._agent_table import AgentTable
from ..._runtime._context import MessageHandlerContext
from ..._runtime._ids import AgentId, AgentMetadata, AgentType, TopicId
from ..._runtime._intervention import InterventionChain, InterventionHandler
from ..._runtime._serialization import MessageSerializer, SerializationRegistry
from ..._runtime._subscriptions import Subscription
from ...errors import NotAccessibleError
from ._calls import CallTable
from ._courier import Courier
from ._wire import Wire, WireContext, decode, describe, encode, portable_error

__all__ = ["ActorRuntime", "AgentHost"]

T = TypeVar("T", bound=Agent)
_HANDLER_VAR = MessageHandlerContext._VAR  # pyright: ignore[reportPrivateUsage]


class ActorRuntime(AgentRuntime):
    """The runtime an agent sees inside its actor: every call goes to the cluster."""

    def __init__(self, courier: Courier) -> None:
        self._courier = courier

    async def send_message(
        self,
        message: Any,
        recipient: AgentId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Deliver a direct message anywhere on the cluster and return the answer."""
        return await self._courier.send(message, recipient, sender, cancellation_token, message_id)

    async def publish_message(
        self,
        message: Any,
        topic_id: TopicId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> None:
        """Publish to the cluster-wide topic."""
        await self._courier.publish(message, topic_id, sender, message_id)

    async def register_factory(
        self,
        type: str | AgentType,
        agent_factory: Callable[[], T | Awaitable[T]],
        *,
        expected_class: type[T] | None = None,
    ) -> AgentType:
        """Not from inside an agent: register agent types on the driver's runtime."""
        raise NotAccessibleError(
            "Agent types are registered on the driver's RayAgentRuntime, not from an agent."
        )

    async def register_agent_instance(self, agent_instance: Agent, agent_id: AgentId) -> AgentId:
        """Not from inside an agent: register instances on the driver's runtime."""
        raise NotAccessibleError(
            "Agent instances are registered on the driver's RayAgentRuntime, not from an agent."
        )

    async def try_get_underlying_agent_instance(self, id: AgentId, type: type[T] = Agent) -> T:  # type: ignore[assignment]
        """Agents live in their own actors: their objects cannot be reached from here."""
        raise NotAccessibleError(
            f"Agent {id} lives in its own Ray actor: send it messages instead of reaching "
            "for the object."
        )

    async def get(
        self, id_or_type: AgentId | AgentType | str, /, key: str = "default", *, lazy: bool = True
    ) -> AgentId:
        """The id of an agent (its actor started at once when ``lazy`` is False)."""
        if isinstance(id_or_type, AgentId):
            agent_id = id_or_type
        else:
            name = id_or_type if isinstance(id_or_type, str) else id_or_type.type
            agent_id = AgentId(name, key)
        if not lazy:
            await self._courier.route(agent_id)
        return agent_id

    async def save_state(self) -> Mapping[str, Any]:
        """The whole runtime's state is saved from the driver."""
        raise NotAccessibleError("Save the runtime's state from the driver's RayAgentRuntime.")

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """The whole runtime's state is loaded from the driver."""
        raise NotAccessibleError("Load the runtime's state from the driver's RayAgentRuntime.")

    async def agent_metadata(self, agent: AgentId) -> AgentMetadata:
        """An agent's metadata."""
        return await self._courier.directory.agent_call.remote(str(agent), "metadata", None)

    async def agent_save_state(self, agent: AgentId) -> Mapping[str, Any]:
        """One agent's state."""
        return await self._courier.directory.agent_call.remote(str(agent), "save_state", None)

    async def agent_load_state(self, agent: AgentId, state: Mapping[str, Any]) -> None:
        """Restore one agent's state."""
        await self._courier.directory.agent_call.remote(str(agent), "load_state", dict(state))

    async def add_subscription(self, subscription: Subscription) -> None:
        """Add a cluster-wide subscription."""
        await self._courier.directory.add_subscription.remote(subscription)

    async def remove_subscription(self, id: str) -> None:
        """Remove a cluster-wide subscription."""
        await self._courier.directory.remove_subscription.remote(id)

    def add_message_serializer(
        self, serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]]
    ) -> None:
        """Serializers are added from the driver (here only for this actor)."""
        self._courier.registry.add_serializer(serializer)


class AgentHost:
    """A Ray actor holding one agent: it creates the agent, then handles its messages.

    Args:
        agent_id: The agent's id, as ``type/key``.
        factory: The agent type's factory.
        expected_class: The class the factory must return, or None.
        directory: The directory actor's handle.
        serializers: The runtime's serializers.
        state: The agent's last saved state, loaded after creation (None: a new agent).
        interventions: The runtime's intervention handlers (this actor's copies), run on
            what this agent sends and publishes.
    """

    def __init__(
        self,
        agent_id: str,
        factory: Callable[[], Any],
        expected_class: type[Any] | None,
        directory: Any,
        serializers: list[MessageSerializer[Any]],
        state: Mapping[str, Any] | None,
        interventions: Sequence[InterventionHandler] = (),
    ) -> None:
        self._id = AgentId.from_str(agent_id)
        self._factory = factory
        self._expected = expected_class
        self._registry = SerializationRegistry()
        self._registry.add_serializer(serializers)
        chain = InterventionChain(interventions, lambda m: describe(self._registry, m))
        self._runtime = ActorRuntime(Courier(directory, self._registry, None, chain))
        self._state = state
        self._agent: Agent | None = None
        self._calls = CallTable()
        self._next_turn = 0  # published messages start in the order the directory sent them
        self._turns: dict[int, asyncio.Future[None]] = {}

    async def ready(self) -> tuple[str, Any]:
        """Create the agent and load its saved state: ``("ok", pid)`` or ``("error", exc)``."""
        try:
            table = AgentTable(self._runtime)
            await table.register_factory(
                self._id.type, self._factory, expected_class=self._expected
            )
            agent = await table.get(self._id)
            if self._state is not None:
                await agent.load_state(self._state)
        except Exception as error:
            return ("error", portable_error(error, f"The factory of {self._id.type!r}"))
        self._agent = agent
        return ("ok", os.getpid())

    async def handle(
        self, wire: Wire, context: WireContext, turn: int | None = None, call: str | None = None
    ) -> tuple[str, Any]:
        """Handle one message: ``("ok", wire answer)``, ``("error", exception)`` or
        ``("cancelled", None)``.

        Ray may start an async actor's calls out of order: a published message carries its
        ``turn``, and waits for the ones before it to have started. A direct message carries
        its ``call`` id, which ``cancel`` names: ``ray.cancel`` alone can miss a task whose
        future Ray has not registered yet (ray-project/ray#52628).
        """
        agent = self._agent
        assert agent is not None, "ready() runs before any message"
        if call is None:
            return await self._handle(agent, wire, context, turn)
        task: Any = asyncio.current_task()
        if not self._calls.start(call, task):
            return ("cancelled", None)
        try:
            return await self._handle(agent, wire, context, turn)
        except asyncio.CancelledError:
            if not self._calls.end(call):
                raise  # Ray's own cancel: Ray reports it to the caller
            task.uncancel()
            return ("cancelled", None)
        finally:
            self._calls.end(call)

    async def cancel(self, call: str) -> None:
        """Cancel the direct message ``call``, running or not started yet."""
        self._calls.cancel(call)

    async def _handle(
        self, agent: Agent, wire: Wire, context: WireContext, turn: int | None
    ) -> tuple[str, Any]:
        if turn is not None:
            if turn != self._next_turn:
                waiter = asyncio.get_running_loop().create_future()
                self._turns[turn] = waiter
                await waiter
            self._next_turn = turn + 1
            following = self._turns.pop(self._next_turn, None)
            if following is not None:
                following.set_result(None)
        token = CancellationToken()
        ctx = context.to_context(token)
        _HANDLER_VAR.set(self._id)  # each Ray call runs in a task of its own
        try:
            message = decode(self._registry, wire)
            response = await agent.on_message(message, ctx)
            return ("ok", encode(self._registry, response))
        except asyncio.CancelledError:
            token.cancel()  # reaches the agents this handler is waiting on
            raise
        except Exception as error:
            return ("error", portable_error(error, f"The handler of {self._id}"))

    async def call(self, method: str, argument: Any) -> Any:
        """Run ``metadata``, ``save_state``, ``load_state`` or ``close`` on the agent."""
        agent = self._agent
        assert agent is not None, "ready() runs before any call"
        if method == "metadata":
            return dict(agent.metadata)
        if method == "save_state":
            return dict(await agent.save_state())
        if method == "load_state":
            await agent.load_state(argument)
            return None
        if method == "close":
            await agent.close()
            return None
        raise ValueError(f"Unknown agent call {method!r}.")

    async def add_serializers(self, serializers: list[MessageSerializer[Any]]) -> None:
        """Learn more message types."""
        self._registry.add_serializer(serializers)

    def pid(self) -> int:
        """This actor's process id (tests kill it to see what callers get)."""
        return os.getpid()
