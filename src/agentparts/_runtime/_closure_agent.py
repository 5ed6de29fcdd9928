"""ClosureAgent: an agent made of one async function (handy to collect results)."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, Protocol, Self, TypeVar, get_type_hints

from .._cancellation_token import CancellationToken
from ..errors import CantHandleException
from ._agent_runtime import AgentRuntime
from ._base_agent import BaseAgent
from ._context import AgentInstantiationContext, MessageContext, SubscriptionInstantiationContext
from ._ids import AgentId, AgentType, TopicId
from ._routed_agent import _types_of  # pyright: ignore[reportPrivateUsage]
from ._serialization import try_get_known_serializers_for_type
from ._subscriptions import Subscription

__all__ = ["ClosureAgent", "ClosureContext"]

T = TypeVar("T")


class ClosureContext(Protocol):
    """What a closure can do as an agent: know its id, send and publish."""

    @property
    def id(self) -> AgentId:
        """The agent's id."""
        ...

    async def send_message(
        self,
        message: Any,
        recipient: AgentId,
        *,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Send a direct message and return the response."""
        ...

    async def publish_message(
        self,
        message: Any,
        topic_id: TopicId,
        *,
        cancellation_token: CancellationToken | None = None,
    ) -> None:
        """Publish a message."""
        ...


Closure = Callable[[ClosureContext, T, MessageContext], Awaitable[Any]]


def _closure_types(closure: Callable[..., Any]) -> tuple[type, ...]:
    params = list(inspect.signature(closure).parameters)
    name = getattr(closure, "__qualname__", repr(closure))
    if len(params) != 3:
        raise TypeError(
            f"Closure {name} must take 3 parameters (agent: ClosureContext, message: T, "
            f"ctx: MessageContext), not {len(params)}."
        )
    try:
        hints = get_type_hints(closure)
    except NameError as error:
        raise TypeError(f"Closure {name}: a type hint cannot be resolved ({error}).") from error
    if "return" not in hints or params[1] not in hints:
        raise TypeError(f"Closure {name} must type-hint its message parameter and its return.")
    types = _types_of(hints[params[1]])
    if types is None:
        raise TypeError(f"Closure {name}: the message hint is not a class or a union of classes.")
    return types


class ClosureAgent(BaseAgent, ClosureContext):
    """An agent that passes each message to one async function ``closure(agent, message, ctx)``.

    Create it with :meth:`register_closure`, never directly.

    Args:
        description: What the agent does.
        closure: The function; its ``message`` type hint says what it accepts.
        unknown_type_policy: For other message types: ``"error"`` raises
            ``CantHandleException``, ``"warn"`` warns and ignores, ``"ignore"`` passes them on.

    Raises:
        RuntimeError: Created outside a runtime's factory call.
    """

    def __init__(
        self,
        description: str,
        closure: Closure[Any],
        *,
        unknown_type_policy: Literal["error", "warn", "ignore"] = "warn",
    ) -> None:
        if not AgentInstantiationContext.is_in_factory_call():
            raise RuntimeError(
                "A ClosureAgent is created by its runtime: use ClosureAgent.register_closure()."
            )
        self._expected_types = _closure_types(closure)
        self._closure = closure
        self._unknown_type_policy = unknown_type_policy
        super().__init__(description)

    @property
    def runtime(self) -> AgentRuntime:
        """The runtime the agent is bound to."""
        return self._runtime

    async def on_message_impl(self, message: Any, ctx: MessageContext) -> Any:
        """Pass the message to the closure (subject to ``unknown_type_policy``)."""
        if type(message) not in self._expected_types:
            text = (
                f"{self.id} (a closure for {[t.__name__ for t in self._expected_types]}) got a "
                f"{type(message).__name__}"
            )
            if self._unknown_type_policy == "warn":
                warnings.warn(
                    f"{text}; it was ignored. Set unknown_type_policy='ignore' or 'error'.",
                    stacklevel=1,
                )
                return None
            if self._unknown_type_policy == "error":
                raise CantHandleException(f"{text}.")
        return await self._closure(self, message, ctx)

    async def save_state(self) -> Mapping[str, Any]:
        """Nothing: a closure agent keeps no state."""
        return {}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Nothing to restore."""

    @classmethod
    async def register_closure(
        cls,
        runtime: AgentRuntime,
        type: str,
        closure: Closure[T],
        *,
        unknown_type_policy: Literal["error", "warn", "ignore"] = "warn",
        skip_direct_message_subscription: bool = False,
        description: str = "",
        subscriptions: Callable[[], list[Subscription] | Awaitable[list[Subscription]]]
        | None = None,
    ) -> AgentType:
        """Register a closure agent type on ``runtime``.

        Args:
            runtime: The runtime.
            type: The agent type's name.
            closure: ``async def closure(agent, message: T, ctx) -> ...``.
            unknown_type_policy: See the class.
            skip_direct_message_subscription: Do not subscribe to topics ``<type>:*``.
            description: The agent's description.
            subscriptions: Makes the agent type's subscriptions.

        Raises:
            TypeError: The closure's signature lacks the needed type hints.
        """
        handled = _closure_types(closure)

        def factory() -> Self:
            return cls(description, closure, unknown_type_policy=unknown_type_policy)

        agent_type = await cls.register(
            runtime,
            type,
            factory,
            skip_class_subscriptions=True,
            skip_direct_message_subscription=skip_direct_message_subscription,
        )
        made: Sequence[Subscription] = []
        if subscriptions is not None:
            with SubscriptionInstantiationContext.populate_context(agent_type):
                result = subscriptions()
                made = await result if inspect.isawaitable(result) else result
        for subscription in made:
            await runtime.add_subscription(subscription)
        for message_type in handled:
            runtime.add_message_serializer(try_get_known_serializers_for_type(message_type))
        return agent_type
