"""Subscriptions: which agents receive a message published to a topic."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from .._ids import new_uuid4
from ..errors import CantHandleException
from ._context import MessageHandlerContext, SubscriptionInstantiationContext
from ._ids import AgentId, AgentType, TopicId

__all__ = [
    "DefaultSubscription",
    "DefaultTopicId",
    "Subscription",
    "SubscriptionManager",
    "TypePrefixSubscription",
    "TypeSubscription",
    "UnboundSubscription",
]


@runtime_checkable
class Subscription(Protocol):
    """Maps the topics it matches to the agent that receives their messages."""

    @property
    def id(self) -> str:
        """The subscription's id (``runtime.remove_subscription`` takes it)."""
        ...

    def is_match(self, topic_id: TopicId) -> bool:
        """Whether messages published to ``topic_id`` reach this subscription's agent."""
        ...

    def map_to_agent(self, topic_id: TopicId) -> AgentId:
        """The agent that receives a message published to ``topic_id``.

        Raises:
            CantHandleException: The topic does not match.
        """
        ...


UnboundSubscription = Callable[[], "list[Subscription] | Awaitable[list[Subscription]]"]
"""A callback that makes an agent type's subscriptions when the type is registered."""


def _agent_type_name(agent_type: str | AgentType) -> str:
    return agent_type.type if isinstance(agent_type, AgentType) else agent_type


class TypeSubscription(Subscription):
    """Topic type ``T`` goes to agent type ``A``, one agent per topic source.

    A message published to ``TopicId("T", "s")`` reaches ``AgentId("A", "s")``.

    Args:
        topic_type: The topic type matched exactly.
        agent_type: The receiving agent type.
        id: The subscription's id (a new UUID when None).
    """

    def __init__(self, topic_type: str, agent_type: str | AgentType, id: str | None = None) -> None:
        self._topic_type = topic_type
        self._agent_type = _agent_type_name(agent_type)
        self._id = id or new_uuid4()

    @property
    def id(self) -> str:
        """The subscription's id."""
        return self._id

    @property
    def topic_type(self) -> str:
        """The topic type matched."""
        return self._topic_type

    @property
    def agent_type(self) -> str:
        """The receiving agent type."""
        return self._agent_type

    def is_match(self, topic_id: TopicId) -> bool:
        """Whether the topic's type is this subscription's topic type."""
        return topic_id.type == self._topic_type

    def map_to_agent(self, topic_id: TopicId) -> AgentId:
        """``AgentId(agent_type, topic_id.source)``.

        Raises:
            CantHandleException: The topic does not match.
        """
        if not self.is_match(topic_id):
            raise CantHandleException(
                f"Topic {topic_id} does not match the subscription of {self._agent_type!r} "
                f"to topic type {self._topic_type!r}."
            )
        return AgentId(self._agent_type, topic_id.source)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TypeSubscription):
            return False
        return self._id == other._id or (
            self._agent_type == other._agent_type and self._topic_type == other._topic_type
        )

    def __hash__(self) -> int:
        return hash((self._agent_type, self._topic_type))

    def __repr__(self) -> str:
        return f"TypeSubscription(topic_type={self._topic_type!r}, agent_type={self._agent_type!r})"


class TypePrefixSubscription(Subscription):
    """Every topic type that starts with a prefix goes to one agent type.

    Args:
        topic_type_prefix: The prefix matched.
        agent_type: The receiving agent type.
        id: The subscription's id (a new UUID when None).
    """

    def __init__(
        self, topic_type_prefix: str, agent_type: str | AgentType, id: str | None = None
    ) -> None:
        self._topic_type_prefix = topic_type_prefix
        self._agent_type = _agent_type_name(agent_type)
        self._id = id or new_uuid4()

    @property
    def id(self) -> str:
        """The subscription's id."""
        return self._id

    @property
    def topic_type_prefix(self) -> str:
        """The prefix matched."""
        return self._topic_type_prefix

    @property
    def agent_type(self) -> str:
        """The receiving agent type."""
        return self._agent_type

    def is_match(self, topic_id: TopicId) -> bool:
        """Whether the topic's type starts with the prefix."""
        return topic_id.type.startswith(self._topic_type_prefix)

    def map_to_agent(self, topic_id: TopicId) -> AgentId:
        """``AgentId(agent_type, topic_id.source)``.

        Raises:
            CantHandleException: The topic does not match.
        """
        if not self.is_match(topic_id):
            raise CantHandleException(
                f"Topic {topic_id} does not match the subscription of {self._agent_type!r} "
                f"to topic types starting with {self._topic_type_prefix!r}."
            )
        return AgentId(self._agent_type, topic_id.source)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TypePrefixSubscription):
            return False
        return self._id == other._id or (
            self._agent_type == other._agent_type
            and self._topic_type_prefix == other._topic_type_prefix
        )

    def __hash__(self) -> int:
        return hash((self._agent_type, self._topic_type_prefix))

    def __repr__(self) -> str:
        return (
            f"TypePrefixSubscription(topic_type_prefix={self._topic_type_prefix!r}, "
            f"agent_type={self._agent_type!r})"
        )


class DefaultSubscription(TypeSubscription):
    """A :class:`TypeSubscription` to the ``default`` topic type, for the type being registered.

    Args:
        topic_type: The topic type (``"default"``).
        agent_type: The agent type; when None, the type being registered (so this only
            works inside a class-subscription callback, e.g. ``@default_subscription``).

    Raises:
        CantHandleException: No agent type was given and none is being registered.
    """

    def __init__(
        self, topic_type: str = "default", agent_type: str | AgentType | None = None
    ) -> None:
        if agent_type is None:
            try:
                agent_type = SubscriptionInstantiationContext.agent_type()
            except RuntimeError as error:
                raise CantHandleException(
                    "DefaultSubscription() without agent_type only works while an agent type "
                    "registers its class subscriptions; give agent_type='...' here."
                ) from error
        super().__init__(topic_type, agent_type)


class DefaultTopicId(TopicId):
    """The ``default`` topic type, with the source of the agent whose handler runs.

    Inside a handler the source is the handling agent's key, so replies stay in the same
    session; elsewhere it is ``"default"``.

    Args:
        type: The topic type.
        source: The source (None: as described above).
    """

    def __init__(self, type: str = "default", source: str | None = None) -> None:
        if source is None:
            try:
                source = MessageHandlerContext.agent_id().key
            except RuntimeError:
                source = "default"
        super().__init__(type, source)


class SubscriptionManager:
    """The subscriptions of a runtime and, per topic, the agents they reach (cached)."""

    _CACHE_LIMIT = 10_000  # topics are often per session: keep the cache from growing forever

    def __init__(self) -> None:
        self._subscriptions: list[Subscription] = []
        self._recipients: dict[TopicId, tuple[AgentId, ...]] = {}

    @property
    def subscriptions(self) -> Sequence[Subscription]:
        """Every subscription, in the order added."""
        return self._subscriptions

    def add(self, subscription: Subscription) -> None:
        """Add a subscription.

        Raises:
            ValueError: An equal subscription exists already.
        """
        if any(existing == subscription for existing in self._subscriptions):
            raise ValueError(
                f"Subscription {subscription!r} already exists (same id, or same agent type "
                "and topic); remove it first to replace it."
            )
        self._subscriptions.append(subscription)
        self._recipients.clear()

    def remove(self, id: str) -> None:
        """Remove the subscription with this id.

        Raises:
            ValueError: No subscription has this id.
        """
        kept = [s for s in self._subscriptions if s.id != id]
        if len(kept) == len(self._subscriptions):
            raise ValueError(f"No subscription has id {id!r}: nothing was removed.")
        self._subscriptions = kept
        self._recipients.clear()

    def recipients(self, topic_id: TopicId) -> tuple[AgentId, ...]:
        """The agents a message to ``topic_id`` reaches, each once, in subscription order."""
        found = self._recipients.get(topic_id)
        if found is None:
            seen: dict[AgentId, None] = {}
            for subscription in self._subscriptions:
                if subscription.is_match(topic_id):
                    seen[subscription.map_to_agent(topic_id)] = None
            found = tuple(seen)
            if len(self._recipients) >= self._CACHE_LIMIT:
                self._recipients.clear()
            self._recipients[topic_id] = found
        return found
