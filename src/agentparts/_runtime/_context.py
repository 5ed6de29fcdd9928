"""What a handler, a factory or a subscription callback can learn about where it runs."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from .._cancellation_token import CancellationToken
from .._ids import new_uuid4
from ._ids import AgentId, AgentType, TopicId

if TYPE_CHECKING:
    from ._agent_runtime import AgentRuntime

__all__ = [
    "AgentInstantiationContext",
    "MessageContext",
    "MessageHandlerContext",
    "SubscriptionInstantiationContext",
]


_T = TypeVar("_T")


class MessageContext:
    """What a handler is told about the message it handles.

    Args:
        sender: The sending agent, or None when the message came from outside any agent.
        topic_id: The topic a published message was published to (None for a direct message).
        is_rpc: Whether the sender awaits a response (``send_message``).
        cancellation_token: Cancelled when the sender gives up on the message.
        message_id: The message's id (made on first read when None).
    """

    __slots__ = ("_message_id", "cancellation_token", "is_rpc", "sender", "topic_id")

    def __init__(
        self,
        sender: AgentId | None,
        topic_id: TopicId | None,
        is_rpc: bool,
        cancellation_token: CancellationToken,
        message_id: str | None = None,
    ) -> None:
        self.sender = sender
        self.topic_id = topic_id
        self.is_rpc = is_rpc
        self.cancellation_token = cancellation_token
        self._message_id = message_id

    @property
    def message_id(self) -> str:
        """The message's id (a UUID unless the sender gave one)."""
        if self._message_id is None:
            self._message_id = new_uuid4()
        return self._message_id

    @message_id.setter
    def message_id(self, value: str) -> None:
        self._message_id = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MessageContext):
            return NotImplemented
        return (
            self.sender == other.sender
            and self.topic_id == other.topic_id
            and self.is_rpc == other.is_rpc
            and self.cancellation_token is other.cancellation_token
            and self.message_id == other.message_id
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it stands for

    def __repr__(self) -> str:
        return (
            f"MessageContext(sender={self.sender!r}, topic_id={self.topic_id!r}, "
            f"is_rpc={self.is_rpc!r}, message_id={self.message_id!r})"
        )


@contextmanager
def _set(var: ContextVar[_T], value: _T) -> Generator[None, Any, None]:
    """``var`` holds ``value`` inside the block, and what it held before afterwards."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def _static(name: str) -> NoReturn:
    raise RuntimeError(f"{name} is a static class: use its class methods, do not instantiate it.")


class AgentInstantiationContext:
    """The runtime and agent id an agent is being created for, readable in its factory.

    An agent's ``__init__`` (run by the runtime's factory call) can read
    :meth:`current_runtime` and :meth:`current_agent_id`; :class:`BaseAgent` does so to
    bind itself.
    """

    _VAR: ClassVar[ContextVar[tuple[AgentRuntime, AgentId]]] = ContextVar(
        "agentparts_agent_instantiation"
    )

    def __init__(self) -> None:
        _static("AgentInstantiationContext")

    @classmethod
    @contextmanager
    def populate_context(cls, ctx: tuple[AgentRuntime, AgentId]) -> Generator[None, Any, None]:
        """Make ``ctx`` (runtime, agent id) current inside the block (used by runtimes)."""
        with _set(cls._VAR, ctx):
            yield

    @classmethod
    def current_runtime(cls) -> AgentRuntime:
        """The runtime creating the agent.

        Raises:
            RuntimeError: Not called while a runtime creates an agent.
        """
        try:
            return cls._VAR.get()[0]
        except LookupError:
            raise RuntimeError(
                "No agent is being created here: AgentInstantiationContext is only set while "
                "a runtime runs an agent factory. Register a factory (Agent.register or "
                "runtime.register_factory) instead of instantiating the agent directly."
            ) from None

    @classmethod
    def current_agent_id(cls) -> AgentId:
        """The id of the agent being created.

        Raises:
            RuntimeError: Not called while a runtime creates an agent.
        """
        try:
            return cls._VAR.get()[1]
        except LookupError:
            raise RuntimeError(
                "No agent is being created here: AgentInstantiationContext is only set while "
                "a runtime runs an agent factory. Register a factory (Agent.register or "
                "runtime.register_factory) instead of instantiating the agent directly."
            ) from None

    @classmethod
    def is_in_factory_call(cls) -> bool:
        """Whether a runtime is creating an agent right now."""
        return cls._VAR.get(None) is not None


class MessageHandlerContext:
    """The id of the agent whose handler is running (used by :class:`DefaultTopicId`)."""

    _VAR: ClassVar[ContextVar[AgentId]] = ContextVar("agentparts_message_handler")

    def __init__(self) -> None:
        _static("MessageHandlerContext")

    @classmethod
    @contextmanager
    def populate_context(cls, ctx: AgentId) -> Generator[None, Any, None]:
        """Make ``ctx`` the handling agent inside the block (used by runtimes)."""
        with _set(cls._VAR, ctx):
            yield

    @classmethod
    def agent_id(cls) -> AgentId:
        """The id of the agent handling a message.

        Raises:
            RuntimeError: Not called inside a message handler.
        """
        try:
            return cls._VAR.get()
        except LookupError:
            raise RuntimeError(
                "MessageHandlerContext.agent_id() was called outside a message handler."
            ) from None


class SubscriptionInstantiationContext:
    """The agent type whose class subscriptions are being made (used by DefaultSubscription)."""

    _VAR: ClassVar[ContextVar[AgentType]] = ContextVar("agentparts_subscription_instantiation")

    def __init__(self) -> None:
        _static("SubscriptionInstantiationContext")

    @classmethod
    @contextmanager
    def populate_context(cls, ctx: AgentType) -> Generator[None, Any, None]:
        """Make ``ctx`` the agent type being subscribed inside the block."""
        with _set(cls._VAR, ctx):
            yield

    @classmethod
    def agent_type(cls) -> AgentType:
        """The agent type being registered.

        Raises:
            RuntimeError: Not called while an agent type's subscriptions are made.
        """
        try:
            return cls._VAR.get()
        except LookupError:
            raise RuntimeError(
                "No agent type is being registered here: give the agent type explicitly, "
                "e.g. DefaultSubscription(agent_type='writer')."
            ) from None
