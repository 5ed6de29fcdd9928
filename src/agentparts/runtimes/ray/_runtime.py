"""RayAgentRuntime: the AgentRuntime API with each agent in a Ray actor of its own."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from ..._cancellation_token import CancellationToken, cancel_and_wait
from ..._runtime._agent import Agent
from ..._runtime._agent_runtime import AgentRuntime
from ..._runtime._agent_table import AgentTable, factory_arity
from ..._runtime._closure_agent import ClosureAgent
from ..._runtime._context import MessageHandlerContext
from ..._runtime._envelope import DeadLetter, DeadLetterHandler
from ..._runtime._ids import AgentId, AgentMetadata, AgentType, TopicId
from ..._runtime._intervention import InterventionChain, InterventionHandler
from ..._runtime._serialization import MessageSerializer, SerializationRegistry
from ..._runtime._subscriptions import Subscription
from ...errors import NotAccessibleError
from ...logging import MessageHandlerExceptionEvent, emit
from ._cluster import connect, import_ray
from ._courier import LOCAL, Courier
from ._directory import Directory, Failure
from ._wire import WireContext, decode, describe, encode, portable_error

__all__ = ["RayAgentRuntime"]

T = TypeVar("T", bound=Agent)
_logger = logging.getLogger("agentparts.runtime")
_HANDLER_VAR = MessageHandlerContext._VAR  # pyright: ignore[reportPrivateUsage]
_POLL_S = 0.2  # how long one poll for messages to the driver's agents waits
_STOP_WAIT_S = 30.0  # how long stop() waits for the poll under way (a busy cluster is slow)
_CLOSE_WAIT_S = 60.0  # how long close() waits for the agents to close before killing them


class RayAgentRuntime(AgentRuntime):
    """The :class:`AgentRuntime` API on Ray: each agent lives in an actor of its own.

    An agent's actor is created (by its type's factory, on the cluster) on the agent's
    first message. Messages travel serialized by the runtime's serializers; subscriptions
    and topics are cluster-wide. ``ClosureAgent`` types and registered instances live in
    this process (the driver), so closures can keep local state (a result queue).

    Args:
        address: A Ray cluster to connect to (``"ray://host:10001"``, ``"host:6379"``,
            ``"auto"``); None starts a local Ray instance unless this process is connected
            already. A cluster that does not answer is an error at once.
        intervention_handlers: See, change or drop every message, in this order, as for
            :class:`SingleThreadedAgentRuntime`. They run in the sender's process: in this
            one for what the driver sends and publishes, in an agent's actor (a pickled
            copy of each handler) for what that agent sends and publishes. So they must be
            picklable, and state they keep is per process.
        ignore_unhandled_exceptions: As for :class:`SingleThreadedAgentRuntime`.
        dead_letter_handler: Called with a :class:`DeadLetter` per failed publish delivery.
        agent_concurrency: How many messages one agent actor handles at once.
        ray_init_kwargs: More arguments for ``ray.init`` when this runtime connects.

    The runtime connects on its first async call. :meth:`close` kills every actor it made,
    and stops Ray if it started it.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        intervention_handlers: Sequence[InterventionHandler] | None = None,
        ignore_unhandled_exceptions: bool = True,
        dead_letter_handler: DeadLetterHandler | None = None,
        agent_concurrency: int = 1000,
        ray_init_kwargs: dict[str, Any] | None = None,
    ) -> None:
        import_ray()  # fails at once, clearly, without the extra
        self._interventions = list(intervention_handlers or ())
        _check_picklable(self._interventions)
        self._address = address
        self._init_kwargs = dict(ray_init_kwargs or {})
        self._ignore_unhandled = ignore_unhandled_exceptions
        self._dead_letter_handler = dead_letter_handler
        self._agent_concurrency = agent_concurrency
        self._registry = SerializationRegistry()
        self._pending_serializers: list[MessageSerializer[Any]] = []
        self._serializers_lock = asyncio.Lock()
        self._local = AgentTable(self)
        self._courier: Courier | None = None
        self._directory: Any = None
        self._started_ray = False
        self._connecting: asyncio.Future[Courier] | None = None
        self._pump: asyncio.Task[None] | None = None
        self._stopping = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._local_outstanding = 0
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._background_exception: BaseException | None = None

    # --- connection -----------------------------------------------------------------------

    async def _ensure(self) -> Courier:
        courier = self._courier
        if courier is None:
            if self._connecting is None:
                self._connecting = asyncio.ensure_future(self._connect())
            courier = await asyncio.shield(self._connecting)
        if self._pending_serializers or self._serializers_lock.locked():
            # Every caller waits for a flush in progress: a message sent meanwhile would
            # reach an actor that cannot read it yet.
            async with self._serializers_lock:
                if self._pending_serializers:
                    serializers, self._pending_serializers = self._pending_serializers, []
                    await courier.directory.add_serializers.remote(serializers)
        return courier

    async def _connect(self) -> Courier:
        self._started_ray = await connect(self._address, self._init_kwargs)
        ray = import_ray()
        directory_class: Any = ray.remote(Directory)
        self._directory = directory_class.options(max_concurrency=100_000).remote(
            self._agent_concurrency, self._interventions
        )
        chain = InterventionChain(self._interventions, lambda m: describe(self._registry, m))
        self._courier = Courier(self._directory, self._registry, self._deliver_here, chain)
        return self._courier

    async def _call(self, ref: Any) -> Any:
        """Await a directory call that answers ``(status, value)``; raise its error."""
        status, value = await ref
        if status != "ok":
            raise value
        return value

    # --- registration ---------------------------------------------------------------------

    async def register_factory(
        self,
        type: str | AgentType,
        agent_factory: Callable[[], T | Awaitable[T]],
        *,
        expected_class: type[T] | None = None,
    ) -> AgentType:
        """Register an agent type: its agents are created in actors of their own.

        A ``ClosureAgent`` type lives in this process instead.

        Raises:
            ValueError: The type is registered already.
            TypeError: The factory takes arguments, or cannot be sent to the cluster.
        """
        agent_type = AgentType(type) if isinstance(type, str) else type
        name = agent_type.type
        AgentId(name, "default")  # validates the name
        factory_arity(name, agent_factory)
        courier = await self._ensure()
        local = expected_class is not None and issubclass(expected_class, ClosureAgent)
        if local:
            await self._local.register_factory(
                agent_type, agent_factory, expected_class=expected_class
            )
        try:
            await self._call(
                courier.directory.register.remote(
                    name, None if local else agent_factory, expected_class, local
                )
            )
        except TypeError as error:
            raise TypeError(
                f"The factory of agent type {name!r} cannot be sent to the Ray cluster ({error}). "
                "Use a module-level class or function whose arguments can be pickled."
            ) from None
        return agent_type

    async def register_agent_instance(self, agent_instance: Agent, agent_id: AgentId) -> AgentId:
        """Register an agent object: it lives in this process.

        Raises:
            ValueError: As for :class:`SingleThreadedAgentRuntime`.
        """
        courier = await self._ensure()
        first = agent_id.type not in self._local.factories
        await self._local.register_agent_instance(agent_instance, agent_id)
        if first:
            await self._call(courier.directory.register.remote(agent_id.type, None, None, True))
        return agent_id

    async def add_subscription(self, subscription: Subscription) -> None:
        """Add a cluster-wide subscription.

        Raises:
            ValueError: An equal subscription exists.
        """
        courier = await self._ensure()
        await self._call(courier.directory.add_subscription.remote(subscription))

    async def remove_subscription(self, id: str) -> None:
        """Remove a subscription by id.

        Raises:
            ValueError: No subscription has this id.
        """
        courier = await self._ensure()
        await self._call(courier.directory.remove_subscription.remote(id))

    def add_message_serializer(
        self, serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]]
    ) -> None:
        """Register serializers here and (on the next call) on every agent actor."""
        serializers = list(serializer) if isinstance(serializer, Sequence) else [serializer]
        self._registry.add_serializer(serializers)
        self._pending_serializers.extend(serializers)

    # --- messages -------------------------------------------------------------------------

    async def send_message(
        self,
        message: Any,
        recipient: AgentId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Deliver a direct message to an agent anywhere on the cluster; its answer.

        Raises:
            AgentTypeNotFoundError: No such agent type.
            AgentDiedError: The agent's actor died while handling it.
            ValueError: No serializer is registered for the message's type.
            asyncio.CancelledError: The token was cancelled.
            Exception: Whatever the handler raised.
        """
        courier = await self._ensure()
        self._local_outstanding += 1
        try:
            return await courier.send(message, recipient, sender, cancellation_token, message_id)
        finally:
            self._finish_one()

    async def _deliver_here(
        self, recipient: AgentId, message: Any, context: WireContext, token: CancellationToken
    ) -> Any:
        agent = await self._local.get(recipient)
        reset = _HANDLER_VAR.set(recipient)
        try:
            return await agent.on_message(message, context.to_context(token))
        finally:
            _HANDLER_VAR.reset(reset)

    async def publish_message(
        self,
        message: Any,
        topic_id: TopicId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> None:
        """Publish to every subscriber on the cluster (delivered in the background).

        Raises:
            ValueError: No serializer is registered for the message's type.
        """
        courier = await self._ensure()
        await courier.publish(message, topic_id, sender, message_id)

    async def _poll(self) -> None:
        """Deliver the cluster's messages to the agents that live in this process."""
        courier = await self._ensure()
        while not self._stopping:
            items = await courier.directory.next_local.remote(_POLL_S)
            for delivery, agent_id, wire, context in items:
                self._local_outstanding += 1
                task = asyncio.create_task(self._handle_here(delivery, agent_id, wire, context))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            await self._report(await courier.directory.take_failures.remote())

    async def _handle_here(
        self, delivery: int, agent_id: str, wire: Any, context: WireContext
    ) -> None:
        courier = self._courier
        assert courier is not None
        result: tuple[str, Any]
        try:
            message = decode(self._registry, wire)
            try:
                answer = await self._deliver_here(
                    AgentId.from_str(agent_id), message, context, CancellationToken()
                )
                result = ("ok", encode(self._registry, answer))
            except Exception as error:
                result = ("error", portable_error(error, f"The handler of {agent_id}"))
                if not context.is_rpc:
                    await self._report([(wire, context, agent_id, "handler_failed", error)])
                    result = ("ok", encode(self._registry, None))
            await courier.directory.local_done.remote(delivery, result)
        finally:
            self._finish_one()

    async def _report(self, failures: list[Failure]) -> None:
        for wire, context, recipient, reason, error in failures:
            if not self._ignore_unhandled and self._background_exception is None:
                self._background_exception = error
            emit(MessageHandlerExceptionEvent(
                payload=repr(wire[:2]), handling_agent=recipient, exception=error,
                topic_id=context.topic, reason=reason,
            ), logging.WARNING)  # fmt: skip
            if self._dead_letter_handler is None:
                continue
            letter = DeadLetter(
                message=decode(self._registry, wire),
                sender=None if context.sender is None else AgentId.from_str(context.sender),
                topic_id=TopicId.from_str(str(context.topic)),
                recipient=None if recipient is None else AgentId.from_str(recipient),
                message_id=context.message_id or "",
                reason=reason,  # type: ignore[arg-type]
                error=error,
            )
            try:
                result = self._dead_letter_handler(letter)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                _logger.exception("The dead-letter handler raised on a letter for %s", recipient)

    def _finish_one(self) -> None:
        self._local_outstanding -= 1
        if self._local_outstanding == 0 and self._idle_waiters:
            waiters, self._idle_waiters = self._idle_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    # --- agents ---------------------------------------------------------------------------

    async def _route(self, agent_id: AgentId) -> Any:
        courier = await self._ensure()
        status, route = await courier.directory.route.remote(str(agent_id))
        if status != "ok":
            raise route
        return route

    async def try_get_underlying_agent_instance(self, id: AgentId, type: type[T] = Agent) -> T:  # type: ignore[assignment]
        """The agent object, for agents that live in this process.

        Raises:
            NotAccessibleError: The agent lives in an actor.
            TypeError: The agent is not an instance of ``type``.
        """
        if await self._route(id) != LOCAL:
            raise NotAccessibleError(
                f"Agent {id} lives in a Ray actor: send it messages, or read its state with "
                "agent_save_state()."
            )
        agent = await self._local.get(id)
        if not isinstance(agent, type):
            raise TypeError(f"Agent {id} is a {agent.__class__.__name__}, not a {type.__name__}.")
        return agent

    async def get(
        self, id_or_type: AgentId | AgentType | str, /, key: str = "default", *, lazy: bool = True
    ) -> AgentId:
        """The id of an agent; with ``lazy=False`` its actor is started at once."""
        if isinstance(id_or_type, AgentId):
            agent_id = id_or_type
        else:
            name = id_or_type if isinstance(id_or_type, str) else id_or_type.type
            agent_id = AgentId(name, key)
        if not lazy:
            route = await self._route(agent_id)
            if route == LOCAL:
                await self._local.get(agent_id)
        return agent_id

    async def _agent_call(self, agent: AgentId, method: str, argument: Any) -> Any:
        courier = await self._ensure()
        if await self._route(agent) == LOCAL:
            local = await self._local.get(agent)
            if method == "metadata":
                return local.metadata
            if method == "save_state":
                return dict(await local.save_state())
            await local.load_state(argument)
            return None
        return await self._call(courier.directory.agent_call.remote(str(agent), method, argument))

    async def agent_metadata(self, agent: AgentId) -> AgentMetadata:
        """An agent's metadata."""
        metadata: AgentMetadata = await self._agent_call(agent, "metadata", None)
        return metadata

    async def agent_save_state(self, agent: AgentId) -> Mapping[str, Any]:
        """One agent's state (also kept as its last saved state)."""
        state: Mapping[str, Any] = await self._agent_call(agent, "save_state", None)
        return state

    async def agent_load_state(self, agent: AgentId, state: Mapping[str, Any]) -> None:
        """Restore one agent's state (creating its actor with it if needed)."""
        await self._agent_call(agent, "load_state", dict(state))

    async def save_state(self) -> Mapping[str, Any]:
        """The state of every agent created so far, keyed by ``str(agent_id)``."""
        courier = await self._ensure()
        states: dict[str, Any] = dict(await courier.directory.save_all.remote())
        for agent_id, agent in list(self._local.agents.items()):
            states[str(agent_id)] = dict(await agent.save_state())
        return states

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore agents from :meth:`save_state` (types not registered here are skipped)."""
        await self._ensure()
        for key, agent_state in state.items():
            agent_id = AgentId.from_str(key)
            try:
                await self._agent_call(agent_id, "load_state", dict(agent_state))
            except LookupError:
                continue

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start delivering messages to the agents that live in this process.

        Raises:
            RuntimeError: It is running already.
        """
        if self._pump is not None:
            raise RuntimeError("The runtime is running already: call stop() before start().")
        self._stopping = False
        self._pump = asyncio.get_running_loop().create_task(self._poll())

    async def stop(self) -> None:
        """Stop delivering to this process's agents; report failed deliveries.

        Raises:
            RuntimeError: It is not running.
            BaseException: A publish failure, with ``ignore_unhandled_exceptions=False``.
        """
        if self._pump is None:
            raise RuntimeError("The runtime is not running: call start() first.")
        pump, self._pump = self._pump, None
        # The poll under way ends by itself (within _POLL_S): cancelling it would lose the
        # messages the directory hands it, and stop_when_idle() would then wait forever.
        self._stopping = True
        try:
            await asyncio.wait_for(asyncio.shield(pump), _STOP_WAIT_S)
        except TimeoutError:
            await cancel_and_wait(pump)
        while self._tasks:
            await asyncio.wait(list(self._tasks))
        if self._courier is not None:
            await self._report(await self._courier.directory.take_failures.remote())
        error, self._background_exception = self._background_exception, None
        if error is not None:
            raise error

    async def stop_when_idle(self) -> None:
        """Stop once nothing is queued or being handled anywhere on the cluster."""
        if self._pump is None:
            raise RuntimeError("The runtime is not running: call start() first.")
        courier = await self._ensure()
        while True:
            await courier.directory.wait_idle.remote()
            if self._local_outstanding == 0:
                break
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter
        await self.stop()

    async def stop_when(self, condition: Callable[[], bool], check_period: float = 1.0) -> None:
        """Stop once ``condition()`` is true (checked every ``check_period`` seconds)."""
        while not condition():
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)  # woken when this process's work is done
            await asyncio.wait([waiter], timeout=check_period)
        await self.stop()

    async def actor_count(self) -> int:
        """How many agent actors are alive."""
        courier = await self._ensure()
        count: int = await courier.directory.actor_count.remote()
        return count

    async def close(self) -> None:
        """Stop, close every agent, kill every actor this runtime made (Ray too, if it
        started it)."""
        if self._pump is not None:
            await self.stop()
        for agent in list(self._local.agents.values()):
            await agent.close()
        if self._connecting is not None and not self._connecting.done():
            with contextlib.suppress(Exception):  # a connection under way: let it end, then undo
                await self._connecting
        if self._directory is None:
            return
        ray = import_ray()
        directory, self._directory, self._courier = self._directory, None, None
        self._connecting = None
        with contextlib.suppress(Exception):  # a directory that does not answer is killed
            await asyncio.wait_for(_resolve(directory.shutdown.remote()), _CLOSE_WAIT_S)
        with contextlib.suppress(Exception):
            ray.kill(directory)
        if self._started_ray:
            self._started_ray = False
            await asyncio.to_thread(ray.shutdown)


def _check_picklable(handlers: list[InterventionHandler]) -> None:
    """Intervention handlers travel to every agent actor: fail now if one cannot."""
    cloudpickle: Any = importlib.import_module("ray.cloudpickle")
    for handler in handlers:
        try:
            cloudpickle.dumps(handler)
        except Exception as error:
            raise TypeError(
                f"Intervention handler {type(handler).__name__} cannot be pickled "
                f"({type(error).__name__}: {error}), and RayAgentRuntime runs a copy of each "
                "handler in every agent actor. Keep what it holds picklable (no open files, "
                "locks or clients), or use SingleThreadedAgentRuntime."
            ) from None


async def _resolve(ref: Any) -> Any:
    return await ref
