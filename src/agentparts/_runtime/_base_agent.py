"""BaseAgent: an agent bound to an id and a runtime, and its registration helpers."""

from __future__ import annotations

import contextlib
import inspect
import warnings
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, Self, TypeVar, final

from .._cancellation_token import CancellationToken
from ._agent import Agent
from ._agent_runtime import AgentRuntime
from ._context import AgentInstantiationContext, MessageContext, SubscriptionInstantiationContext
from ._ids import AgentId, AgentMetadata, AgentType, TopicId
from ._serialization import MessageSerializer, try_get_known_serializers_for_type
from ._subscriptions import (
    DefaultSubscription,
    Subscription,
    TypePrefixSubscription,
    TypeSubscription,
    UnboundSubscription,
)

__all__ = [
    "BaseAgent",
    "default_subscription",
    "handles",
    "subscription_factory",
    "type_prefix_subscription",
    "type_subscription",
]

BaseAgentT = TypeVar("BaseAgentT", bound="BaseAgent")


class BaseAgent(ABC, Agent):
    """An agent bound to its id and runtime, with send, publish and registration helpers.

    Subclasses implement :meth:`on_message_impl` (or use :class:`RoutedAgent`, which routes
    by message type). Create agents through the runtime: ``await MyAgent.register(runtime,
    "my_type", lambda: MyAgent(...))``; the runtime calls the factory on the agent's first
    message.

    Args:
        description: What the agent does (its metadata).

    Raises:
        TypeError: ``description`` is not a string.
    """

    internal_unbound_subscriptions_list: ClassVar[list[UnboundSubscription]] = []
    internal_extra_handles_types: ClassVar[
        list[tuple[type[Any], list[MessageSerializer[Any]]]]
    ] = []

    _id: AgentId
    _runtime: AgentRuntime

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.internal_unbound_subscriptions_list = []
        cls.internal_extra_handles_types = []

    def __init__(self, description: str) -> None:
        if AgentInstantiationContext.is_in_factory_call():
            self._runtime = AgentInstantiationContext.current_runtime()
            self._id = AgentInstantiationContext.current_agent_id()
        if not isinstance(description, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(
                f"An agent description must be a string, not {type(description).__name__}."
            )
        self._description = description

    @classmethod
    def _unbound_subscriptions(cls) -> list[UnboundSubscription]:
        return cls.internal_unbound_subscriptions_list

    @classmethod
    def _handles_types(cls) -> list[tuple[type[Any], list[MessageSerializer[Any]]]]:
        return cls.internal_extra_handles_types

    @property
    def metadata(self) -> AgentMetadata:
        """The agent's type, key and description."""
        return AgentMetadata(type=self.id.type, key=self.id.key, description=self._description)

    @property
    def id(self) -> AgentId:
        """The agent's id.

        Raises:
            RuntimeError: The agent is not bound to a runtime yet.
        """
        try:
            return self._id
        except AttributeError:
            raise RuntimeError(
                f"{type(self).__name__} is not bound to a runtime: create it through a "
                "registered factory, or register the instance with register_instance()."
            ) from None

    @property
    def type(self) -> str:
        """The agent's type."""
        return self.id.type

    @property
    def runtime(self) -> AgentRuntime:
        """The runtime the agent is bound to."""
        return self._runtime

    async def bind_id_and_runtime(self, id: AgentId, runtime: AgentRuntime) -> None:
        """Bind the agent to ``id`` and ``runtime``.

        Raises:
            RuntimeError: It is bound to another id or runtime already.
        """
        bound_id = getattr(self, "_id", None)
        if bound_id is not None and bound_id != id:
            raise RuntimeError(f"Agent {bound_id} is already bound to another id than {id}.")
        bound_runtime = getattr(self, "_runtime", None)
        if bound_runtime is not None and bound_runtime is not runtime:
            raise RuntimeError(f"Agent {id} is already bound to another runtime.")
        self._id = id
        self._runtime = runtime

    @final
    async def on_message(self, message: Any, ctx: MessageContext) -> Any:
        """Handle a message (runtimes call this): runs :meth:`on_message_impl`."""
        return await self.on_message_impl(message, ctx)

    @abstractmethod
    async def on_message_impl(self, message: Any, ctx: MessageContext) -> Any:
        """Handle a message and return the response to an RPC."""
        ...

    async def send_message(
        self,
        message: Any,
        recipient: AgentId,
        *,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Send a direct message from this agent and return the response."""
        return await self._runtime.send_message(
            message,
            recipient,
            sender=self.id,
            cancellation_token=cancellation_token,
            message_id=message_id,
        )

    async def publish_message(
        self,
        message: Any,
        topic_id: TopicId,
        *,
        cancellation_token: CancellationToken | None = None,
    ) -> None:
        """Publish a message from this agent (it does not receive it itself)."""
        await self._runtime.publish_message(
            message, topic_id, sender=self.id, cancellation_token=cancellation_token
        )

    async def save_state(self) -> Mapping[str, Any]:
        """The agent's state: empty unless a subclass saves some."""
        return {}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore state; this default keeps none and warns if ``state`` is not empty."""
        if state:
            warnings.warn(
                f"{type(self).__name__} does not implement load_state: its saved state was "
                "ignored.",
                stacklevel=2,
            )

    async def close(self) -> None:
        """Release resources; nothing by default."""

    async def register_instance(
        self,
        runtime: AgentRuntime,
        agent_id: AgentId,
        *,
        skip_class_subscriptions: bool = True,
        skip_direct_message_subscription: bool = False,
    ) -> AgentId:
        """Register this instance under ``agent_id``, subscribed to topic type ``agent_id.key``.

        Args:
            runtime: The runtime.
            agent_id: The id it gets.
            skip_class_subscriptions: Do not add the class's decorator subscriptions.
            skip_direct_message_subscription: Do not subscribe it to topics ``<type>:*``.
        """
        agent_id = await runtime.register_agent_instance(agent_instance=self, agent_id=agent_id)
        await runtime.add_subscription(
            TypeSubscription(topic_type=agent_id.key, agent_type=agent_id.type)
        )
        if not skip_class_subscriptions:
            for subscription in await _class_subscriptions(type(self), AgentType(agent_id.type)):
                await runtime.add_subscription(subscription)
        if not skip_direct_message_subscription:
            with contextlib.suppress(ValueError):  # another instance of the type added it
                await runtime.add_subscription(
                    TypePrefixSubscription(f"{agent_id.type}:", agent_id.type)
                )
        for _type, serializers in self._handles_types():
            runtime.add_message_serializer(serializers)
        return agent_id

    @classmethod
    async def register(
        cls,
        runtime: AgentRuntime,
        type: str,
        factory: Callable[[], Self | Awaitable[Self]],
        *,
        skip_class_subscriptions: bool = False,
        skip_direct_message_subscription: bool = False,
    ) -> AgentType:
        """Register a factory for agents of this class under ``type``, with its subscriptions.

        Args:
            runtime: The runtime.
            type: The agent type's name.
            factory: Makes one agent (sync or async); it must return an instance of this class.
            skip_class_subscriptions: Do not add the class's decorator subscriptions.
            skip_direct_message_subscription: Do not subscribe the type to topics ``<type>:*``.

        Raises:
            ValueError: The type is registered already, or a handled message type has no
                known serializer.
        """
        handles = cls._handles_types()  # fails early on a message type with no serializer
        agent_type = await runtime.register_factory(type, factory, expected_class=cls)
        if not skip_class_subscriptions:
            for subscription in await _class_subscriptions(cls, agent_type):
                await runtime.add_subscription(subscription)
        if not skip_direct_message_subscription:
            await runtime.add_subscription(
                TypePrefixSubscription(f"{agent_type.type}:", agent_type.type)
            )
        for _type, serializers in handles:
            runtime.add_message_serializer(serializers)
        return agent_type


async def _class_subscriptions(cls: type[BaseAgent], agent_type: AgentType) -> list[Subscription]:
    found: list[Subscription] = []
    with SubscriptionInstantiationContext.populate_context(agent_type):
        for unbound in cls._unbound_subscriptions():
            made = unbound()
            found.extend(await made if inspect.isawaitable(made) else made)
    return found


def subscription_factory(
    subscription: UnboundSubscription,
) -> Callable[[type[BaseAgentT]], type[BaseAgentT]]:
    """A class decorator that adds ``subscription`` to the class's subscriptions."""

    def decorator(cls: type[BaseAgentT]) -> type[BaseAgentT]:
        cls.internal_unbound_subscriptions_list.append(subscription)
        return cls

    return decorator


def handles(
    message_type: type[Any],
    serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]] | None = None,
) -> Callable[[type[BaseAgentT]], type[BaseAgentT]]:
    """A class decorator: the agent class receives ``message_type``, carried by ``serializer``.

    The runtime registers the serializer when the class is registered, so the type can
    cross processes (the Ray runtime) even when no ``message_handler`` names it, e.g. for
    a :class:`BaseAgent` that routes in ``on_message_impl``, or for a type no built-in
    serializer knows.

    Args:
        message_type: The message class.
        serializer: One serializer or several (None: the known one for a pydantic model,
            dataclass or protobuf message, see
            :func:`~agentparts.try_get_known_serializers_for_type`).

    Raises:
        ValueError: No serializer is given and none is known for ``message_type``.

    Example:
        >>> from dataclasses import dataclass
        >>> from agentparts import BaseAgent, handles
        >>> @dataclass
        ... class Ping:
        ...     text: str
        >>> @handles(Ping)
        ... class Pong(BaseAgent): ...
    """
    if serializer is None:
        serializers = try_get_known_serializers_for_type(message_type)
    elif isinstance(serializer, Sequence):
        serializers = list(serializer)
    else:
        serializers = [serializer]
    if not serializers:
        name = getattr(message_type, "__name__", repr(message_type))
        raise ValueError(
            f"No serializer is known for message type {name!r}: make it a dataclass, a "
            "pydantic model or a protobuf message, or pass serializer=... (a "
            "MessageSerializer for it) to handles()."
        )

    def decorator(cls: type[BaseAgentT]) -> type[BaseAgentT]:
        cls.internal_extra_handles_types.append((message_type, serializers))
        return cls

    return decorator


def default_subscription(
    cls: type[BaseAgentT] | None = None,
) -> Any:
    """Subscribe the agent class to the ``default`` topic type (usable with or without ``()``).

    Example:
        >>> from agentparts import RoutedAgent, default_subscription
        >>> @default_subscription
        ... class Listener(RoutedAgent): ...
    """
    decorator = subscription_factory(lambda: [DefaultSubscription()])
    return decorator if cls is None else decorator(cls)


def type_subscription(topic_type: str) -> Callable[[type[BaseAgentT]], type[BaseAgentT]]:
    """Subscribe the agent class to topic type ``topic_type`` (one agent per topic source)."""
    return subscription_factory(lambda: [DefaultSubscription(topic_type=topic_type)])


def type_prefix_subscription(
    topic_type_prefix: str,
) -> Callable[[type[BaseAgentT]], type[BaseAgentT]]:
    """Subscribe the agent class to every topic type starting with ``topic_type_prefix``."""
    return subscription_factory(
        lambda: [
            TypePrefixSubscription(topic_type_prefix, SubscriptionInstantiationContext.agent_type())
        ]
    )
