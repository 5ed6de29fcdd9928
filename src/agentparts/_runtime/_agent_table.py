"""The agents of one runtime: their factories, the agents made so far, and how one is made."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from ..errors import AgentConstructionError, AgentTypeNotFoundError, UndeliverableException
from ..logging import AgentConstructionExceptionEvent, emit
from ._agent import Agent
from ._agent_runtime import AgentRuntime
from ._context import AgentInstantiationContext
from ._ids import AgentId, AgentType

__all__ = ["AgentTable"]

T = TypeVar("T", bound=Agent)

Factory = Callable[[], Any]


def _instance_factory() -> Agent:
    raise UndeliverableException(
        "This agent type was registered with register_agent_instance and has no factory: a "
        "message reached a key with no registered instance (often a subscription mapping a "
        "topic source to a new key). Register that instance too, or register a factory."
    )


def factory_arity(name: str, factory: Callable[..., Any]) -> int:
    """How many arguments ``factory`` needs: 0, or the deprecated 2 (runtime, agent id).

    Raises:
        TypeError: It needs another number.
    """
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # a builtin or C callable: call it without arguments
        params = ()
    n_params = sum(1 for p in params if p.default is p.empty and p.kind <= p.POSITIONAL_OR_KEYWORD)
    if n_params not in (0, 2):
        raise TypeError(
            f"The factory for {name!r} takes {n_params} arguments: it must take none "
            "(read AgentInstantiationContext inside it for the runtime and agent id)."
        )
    return n_params


class AgentTable:
    """Factories by agent type, agents by id, for ``runtime`` (which agents are bound to).

    Args:
        runtime: The runtime the agents are made for.
    """

    def __init__(self, runtime: AgentRuntime) -> None:
        self._runtime = runtime
        self.factories: dict[str, Factory] = {}
        self._factory_takes_args: dict[str, bool] = {}
        self._expected_classes: dict[str, type[Any] | None] = {}
        self._instance_types: dict[str, type[Any]] = {}
        self.agents: dict[AgentId, Agent] = {}
        self._creating: dict[AgentId, asyncio.Future[Agent]] = {}

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
        agent_type = AgentType(type) if isinstance(type, str) else type
        name = agent_type.type
        AgentId(name, "default")  # validates the name
        if name in self.factories:
            raise ValueError(
                f"Agent type {name!r} is registered already on this runtime; pick another name."
            )
        n_params = factory_arity(name, agent_factory)
        self.factories[name] = agent_factory
        self._factory_takes_args[name] = n_params == 2
        self._expected_classes[name] = expected_class
        return agent_type

    async def register_agent_instance(self, agent_instance: Agent, agent_id: AgentId) -> AgentId:
        """Register an existing agent object under ``agent_id``.

        Raises:
            ValueError: The id is taken, the type has a factory, or the type's other
                instances are of another class.
        """
        if agent_id in self.agents:
            raise ValueError(f"Agent {agent_id} exists already on this runtime.")
        name = agent_id.type
        if name not in self.factories:
            self.factories[name] = _instance_factory
            self._factory_takes_args[name] = False
            self._expected_classes[name] = None
            self._instance_types[name] = type(agent_instance)
        elif self.factories[name] is not _instance_factory:
            raise ValueError(
                f"Agent type {name!r} has a factory: instances and factories cannot share a type."
            )
        elif self._instance_types[name] is not type(agent_instance):
            raise ValueError(
                f"Agent type {name!r} holds {self._instance_types[name].__name__} instances; "
                f"all its instances must be of one class, not {type(agent_instance).__name__}."
            )
        await agent_instance.bind_id_and_runtime(id=agent_id, runtime=self._runtime)
        self.agents[agent_id] = agent_instance
        return agent_id

    async def get(self, agent_id: AgentId) -> Agent:
        agent = self.agents.get(agent_id)
        if agent is not None:
            return agent
        if agent_id.type not in self.factories:
            raise self.unknown_type(agent_id)
        pending = self._creating.get(agent_id)
        if pending is not None:  # another message is creating it right now
            return await asyncio.shield(pending)
        future: asyncio.Future[Agent] = asyncio.get_running_loop().create_future()
        self._creating[agent_id] = future
        try:
            agent = await self._create(agent_id)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._creating[agent_id]
        future.set_result(agent)
        self.agents[agent_id] = agent
        return agent

    async def _create(self, agent_id: AgentId) -> Agent:
        name = agent_id.type
        factory = self.factories[name]
        try:
            with AgentInstantiationContext.populate_context((self._runtime, agent_id)):
                if self._factory_takes_args[name]:
                    warnings.warn(
                        "Agent factories that take (runtime, agent_id) are deprecated: read "
                        "AgentInstantiationContext inside a factory that takes no arguments.",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    made = cast(Callable[[AgentRuntime, AgentId], Any], factory)(
                        self._runtime, agent_id
                    )
                else:
                    made = factory()
                if inspect.isawaitable(made):
                    made = await made
            expected = self._expected_classes[name]
            if expected is not None and not isinstance(made, expected):
                raise AgentConstructionError(
                    f"The factory for agent type {name!r} returned a {type(made).__name__}, "
                    f"not a {expected.__name__}: make it return an instance of the class it "
                    f"was registered with ({expected.__name__}.register)."
                )
            if not isinstance(made, Agent):
                raise AgentConstructionError(
                    f"The factory for agent type {name!r} returned a {type(made).__name__}, "
                    "which is not an agent (subclass BaseAgent or RoutedAgent)."
                )
            await made.bind_id_and_runtime(id=agent_id, runtime=self._runtime)
        except BaseException as error:
            emit(AgentConstructionExceptionEvent(agent_id=agent_id, exception=error))
            raise
        return made

    def unknown_type(self, agent_id: AgentId) -> AgentTypeNotFoundError:
        known = sorted(self.factories)
        return AgentTypeNotFoundError(
            f"No agent type {agent_id.type!r} is registered on this runtime (known: "
            f"{known or 'none'}); register it (MyAgent.register(runtime, {agent_id.type!r}, "
            f"factory)) before sending to {agent_id}."
        )
