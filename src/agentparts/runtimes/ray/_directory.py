"""The directory: one Ray actor that knows every agent type, actor, subscription and state.

It creates an agent's actor on the agent's first message (from its type's factory and its
last saved state), delivers published messages to every subscriber in publish order,
counts what is in flight (for ``stop_when_idle``) and keeps failed deliveries until the
driver collects them. Agents that live in the driver are reached through a queue the
driver polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from ..._runtime._ids import TopicId
from ..._runtime._serialization import MessageSerializer
from ..._runtime._subscriptions import Subscription, SubscriptionManager
from ...errors import (
    AgentDiedError,
    AgentTypeNotFoundError,
    NotAccessibleError,
    UndeliverableException,
)
from ._courier import LOCAL
from ._host import AgentHost
from ._wire import Wire, WireContext

__all__ = ["Directory", "Failure"]

Failure = tuple[Wire, WireContext, "str | None", str, BaseException]
"""A failed publish delivery: message, context, recipient, reason, error."""

Result = tuple[str, Any]

_CLOSE_AGENTS_S = 30.0  # how long shutdown waits for the agents' close() before killing them


def _ray() -> Any:
    return importlib.import_module("ray")


class Directory:
    """The runtime's shared state, as one async Ray actor (see the module docstring).

    Args:
        agent_concurrency: How many messages one agent actor handles at once.
        interventions: The runtime's intervention handlers, handed to every agent actor.
    """

    def __init__(self, agent_concurrency: int = 1000, interventions: Sequence[Any] = ()) -> None:
        self._agent_concurrency = agent_concurrency
        self._interventions = list(interventions)
        self._factories: dict[str, tuple[Callable[[], Any], type[Any] | None]] = {}
        self._local_types: set[str] = set()
        self._subscriptions = SubscriptionManager()
        self._serializers: list[MessageSerializer[Any]] = []
        self._hosts: dict[str, Any] = {}
        self._turns: dict[str, int] = {}  # the next publish turn of each agent actor
        self._creating: dict[str, asyncio.Future[Result]] = {}
        self._states: dict[str, dict[str, Any]] = {}
        self._outstanding = 0
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._failures: list[Failure] = []
        self._publishes: asyncio.Queue[tuple[Wire, WireContext]] | None = None
        self._local: asyncio.Queue[tuple[int, str, Wire, WireContext]] | None = None
        self._local_waiters: dict[int, asyncio.Future[Result] | None] = {}
        self._next_delivery = 0
        self._closing = False
        self._tasks: set[asyncio.Task[Any]] = set()

    # --- registration ---------------------------------------------------------------------

    def register(
        self, name: str, factory: Callable[[], Any], expected_class: type[Any] | None, local: bool
    ) -> Result:
        """Register an agent type (``local``: its agents live in the driver)."""
        if name in self._factories or name in self._local_types:
            return (
                "error",
                ValueError(
                    f"Agent type {name!r} is registered already on this runtime; pick another name."
                ),
            )
        if local:
            self._local_types.add(name)
        else:
            self._factories[name] = (factory, expected_class)
        return ("ok", None)

    def add_subscription(self, subscription: Subscription) -> Result:
        """Add a subscription (cluster-wide)."""
        try:
            self._subscriptions.add(subscription)
        except ValueError as error:
            return ("error", error)
        return ("ok", None)

    def remove_subscription(self, id: str) -> Result:
        """Remove a subscription by id."""
        try:
            self._subscriptions.remove(id)
        except ValueError as error:
            return ("error", error)
        return ("ok", None)

    async def add_serializers(self, serializers: list[MessageSerializer[Any]]) -> None:
        """Learn message types, and teach them to every agent actor."""
        self._serializers.extend(serializers)
        await asyncio.gather(
            *(host.add_serializers.remote(serializers) for host in self._hosts.values())
        )

    # --- agents ---------------------------------------------------------------------------

    async def route(self, agent_id: str) -> Result:
        """``("ok", handle or LOCAL)`` for the agent, creating its actor; or ``("error", exc)``."""
        host = self._hosts.get(agent_id)
        if host is not None:
            return ("ok", host)
        name = agent_id.partition("/")[0]
        if name in self._local_types:
            return ("ok", LOCAL)
        if name not in self._factories:
            known = sorted({*self._factories, *self._local_types})
            return ("error", AgentTypeNotFoundError(
                f"No agent type {name!r} is registered on this runtime (known: {known or 'none'}); "
                f"register it before sending to {agent_id}."
            ))  # fmt: skip
        pending = self._creating.get(agent_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._creating[agent_id] = future
        try:
            result = await self._create(agent_id, name)
        finally:
            del self._creating[agent_id]
        future.set_result(result)
        return result

    async def _create(self, agent_id: str, name: str) -> Result:
        ray = _ray()
        factory, expected = self._factories[name]
        me = ray.get_runtime_context().current_actor
        host_class: Any = ray.remote(AgentHost)
        sent = len(self._serializers)
        host = host_class.options(max_concurrency=self._agent_concurrency).remote(
            agent_id, factory, expected, me, list(self._serializers), self._states.get(agent_id),
            self._interventions,
        )  # fmt: skip
        try:
            status, value = await host.ready.remote()
        except ray.exceptions.RayActorError as error:
            status, value = (
                "error",
                AgentDiedError(f"The actor of agent {agent_id} died while it started: {error}"),
            )
        if status != "ok":
            with contextlib.suppress(Exception):
                ray.kill(host)
            return ("error", value)
        # Serializers added while the actor started did not reach it through _hosts.
        while len(self._serializers) > sent:
            added, sent = self._serializers[sent:], len(self._serializers)
            await host.add_serializers.remote(added)
        self._hosts[agent_id] = host
        self._turns[agent_id] = 0
        return ("ok", host)

    def forget(self, agent_id: str, handle: Any) -> None:
        """Drop an agent whose actor died: its next message creates it again."""
        if self._hosts.get(agent_id) is not None:
            del self._hosts[agent_id]

    async def agent_call(self, agent_id: str, method: str, argument: Any) -> Result:
        """Run ``metadata``/``save_state``/``load_state`` on an agent's actor."""
        if method == "load_state":
            self._states[agent_id] = dict(argument)
        status, route = await self.route(agent_id)
        if status != "ok":
            return (status, route)
        if route == LOCAL:
            return (
                "error",
                NotAccessibleError(
                    f"Agent {agent_id} lives in the driver: ask the driver's runtime."
                ),
            )
        try:
            value = await route.call.remote(method, argument)
        except _ray().exceptions.RayActorError:
            self.forget(agent_id, route)
            return (
                "error",
                AgentDiedError(f"Agent {agent_id} died; its next message creates it again."),
            )
        if method == "save_state":
            self._states[agent_id] = value
        return ("ok", value)

    async def save_all(self) -> dict[str, dict[str, Any]]:
        """The state of every agent actor (also kept here as their last saved state)."""
        ids = list(self._hosts)
        states = await asyncio.gather(
            *(self._hosts[i].call.remote("save_state", None) for i in ids)
        )
        for agent_id, state in zip(ids, states, strict=True):
            self._states[agent_id] = state
        return dict(zip(ids, states, strict=True))

    def actor_count(self) -> int:
        """How many agent actors are alive (as far as the directory knows)."""
        return len(self._hosts)

    async def shutdown(self) -> int:
        """Close every agent and kill its actor; returns how many were killed."""
        self._closing = True
        ray = _ray()
        hosts = list(self._hosts.values())
        self._hosts.clear()
        closing = asyncio.gather(
            *(h.call.remote("close", None) for h in hosts), return_exceptions=True
        )
        with contextlib.suppress(asyncio.TimeoutError):  # an agent that hangs in close()
            await asyncio.wait_for(closing, _CLOSE_AGENTS_S)
        for waiter in self._local_waiters.values():  # actors waiting on the driver's agents
            if waiter is not None and not waiter.done():
                waiter.set_result(("error", UndeliverableException(
                    "The runtime closed before the driver handled the message."
                )))  # fmt: skip
        self._local_waiters.clear()
        for host in hosts:
            with contextlib.suppress(Exception):
                ray.kill(host)
        for task in list(self._tasks):
            task.cancel()
        return len(hosts)

    # --- publishing -----------------------------------------------------------------------

    def publish(self, wire: Wire, context: WireContext) -> bool:
        """Queue a published message; False when the runtime is shutting down."""
        if self._closing:
            return False
        if self._publishes is None:
            self._publishes = asyncio.Queue()
            self._spawn(self._deliver_publishes())
        self._outstanding += 1
        self._publishes.put_nowait((wire, context))
        return True

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_publishes(self) -> None:
        assert self._publishes is not None
        while True:
            wire, context = await self._publishes.get()
            try:
                topic = TopicId.from_str(str(context.topic))
                for agent_id in self._subscriptions.recipients(topic):
                    if context.sender is not None and str(agent_id) == context.sender:
                        continue
                    await self._deliver_one(str(agent_id), wire, context)
            finally:
                self._finish_one()

    async def _deliver_one(self, agent_id: str, wire: Wire, context: WireContext) -> None:
        status, route = await self.route(agent_id)
        if status != "ok":
            self._failures.append((wire, context, agent_id, "agent_construction_failed", route))
            return
        self._outstanding += 1
        if route == LOCAL:
            self._to_driver(agent_id, wire, context, None)
            return
        turn = self._turns[agent_id]
        self._turns[agent_id] = turn + 1
        ref = route.handle.remote(wire, context, turn)
        self._spawn(self._await_delivery(agent_id, route, ref, wire, context))

    async def _await_delivery(
        self, agent_id: str, host: Any, ref: Any, wire: Wire, context: WireContext
    ) -> None:
        try:
            status, value = await ref
            if status != "ok":
                self._failures.append((wire, context, agent_id, "handler_failed", value))
        except _ray().exceptions.RayActorError:
            self.forget(agent_id, host)
            self._failures.append((wire, context, agent_id, "agent_died", AgentDiedError(
                f"Agent {agent_id} died while it handled a published message; its next message "
                "creates it again from its last saved state."
            )))  # fmt: skip
        finally:
            self._finish_one()

    def _finish_one(self) -> None:
        self._outstanding -= 1
        if self._outstanding == 0:
            waiters, self._idle_waiters = self._idle_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def wait_idle(self) -> None:
        """Return once no published message is queued or being handled."""
        while self._outstanding > 0:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter

    def add_failure(
        self, wire: Wire, context: WireContext, recipient: str | None, reason: str,
        error: BaseException,
    ) -> None:  # fmt: skip
        """Keep a failure that happened elsewhere (an intervention handler that raised)."""
        self._failures.append((wire, context, recipient, reason, error))

    def take_failures(self) -> list[Failure]:
        """The failed deliveries since the last call."""
        failures, self._failures = self._failures, []
        return failures

    # --- agents in the driver -------------------------------------------------------------

    def _to_driver(
        self, agent_id: str, wire: Wire, context: WireContext, future: asyncio.Future[Result] | None
    ) -> None:
        if self._local is None:
            self._local = asyncio.Queue()
        self._next_delivery += 1
        self._local_waiters[self._next_delivery] = future
        self._local.put_nowait((self._next_delivery, agent_id, wire, context))

    async def deliver_local(self, agent_id: str, wire: Wire, context: WireContext) -> Result:
        """Deliver a direct message from an actor to an agent in the driver; its answer."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._to_driver(agent_id, wire, context, future)
        return await future

    async def next_local(self, timeout: float) -> list[tuple[int, str, Wire, WireContext]]:
        """Messages for agents in the driver (waits up to ``timeout`` seconds for one)."""
        if self._local is None:
            self._local = asyncio.Queue()
        items: list[tuple[int, str, Wire, WireContext]] = []
        with contextlib.suppress(asyncio.TimeoutError):
            items.append(await asyncio.wait_for(self._local.get(), timeout))
        while not self._local.empty():
            items.append(self._local.get_nowait())
        return items

    def local_done(self, delivery: int, result: Result) -> None:
        """The driver handled a message: answer its sender, or count a publish as done."""
        if delivery not in self._local_waiters:
            return
        future = self._local_waiters.pop(delivery)
        if future is None:  # a published message: the driver reported any failure itself
            self._finish_one()
        elif not future.done():
            future.set_result(result)
