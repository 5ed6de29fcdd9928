"""RoutedAgent: an agent whose methods handle messages by type (``@message_handler``...)."""

from __future__ import annotations

import logging
import types
import weakref
from collections.abc import Callable, Coroutine, Sequence
from functools import wraps
from typing import (
    Any,
    Literal,
    Protocol,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
    overload,
    runtime_checkable,
)

from ..errors import CantHandleException
from ..logging import MessageUnhandledEvent, emit
from ._base_agent import BaseAgent
from ._context import MessageContext
from ._serialization import MessageSerializer, try_get_known_serializers_for_type

__all__ = ["MessageHandler", "RoutedAgent", "event", "message_handler", "rpc"]

AgentT = TypeVar("AgentT")
ReceivesT = TypeVar("ReceivesT")
ProducesT = TypeVar("ProducesT", covariant=True)

_logger = logging.getLogger("agentparts.runtime")

Router = Callable[[Any, MessageContext], bool]
HandlerFunc = Callable[[AgentT, ReceivesT, MessageContext], Coroutine[Any, Any, ProducesT]]


class _AnyType:
    """Stands for ``Any`` in a handler's return types (any response is accepted)."""


@runtime_checkable
class MessageHandler(Protocol[AgentT, ReceivesT, ProducesT]):  # pyright: ignore[reportInvalidTypeVarUse]
    """A method made a handler by :func:`message_handler`, :func:`event` or :func:`rpc`."""

    target_types: Sequence[type]
    produces_types: Sequence[type]
    is_message_handler: Literal[True]
    router: Router

    @staticmethod
    async def __call__(
        agent_instance: AgentT, message: ReceivesT, ctx: MessageContext
    ) -> ProducesT:
        """Run the handler."""
        ...


def _types_of(annotation: Any) -> tuple[type, ...] | None:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return tuple(t if t is not None else type(None) for t in get_args(annotation))
    if annotation is Any:
        return (_AnyType,)
    if annotation is None or annotation is type(None):
        return (type(None),)
    if isinstance(annotation, type):
        return (annotation,)
    return None


def _signature_types(
    func: Callable[..., Any], kind: str
) -> tuple[tuple[type, ...], tuple[type, ...]]:
    name = getattr(func, "__qualname__", repr(func))
    try:
        hints = get_type_hints(func)
    except NameError as error:
        raise TypeError(
            f"@{kind} handler {name}: a type hint cannot be resolved ({error}). Define the "
            "message types at module level, where the handler's annotations can see them."
        ) from error
    if "message" not in hints:
        raise TypeError(
            f"@{kind} handler {name} must take a type-hinted parameter named 'message' "
            "(def handle(self, message: MyMessage, ctx: MessageContext) -> ...)."
        )
    if "return" not in hints:
        raise TypeError(f"@{kind} handler {name} must have a return type hint (-> None if none).")
    targets = _types_of(hints["message"])
    if targets is None:
        raise TypeError(
            f"@{kind} handler {name}: the message hint {hints['message']!r} is not a class or "
            "a union of classes."
        )
    produces = _types_of(hints["return"])
    if produces is None:
        raise TypeError(
            f"@{kind} handler {name}: the return hint {hints['return']!r} is not a class, a "
            "union of classes, None or Any."
        )
    return targets, produces


def _make_handler(
    func: HandlerFunc[AgentT, ReceivesT, ProducesT],
    kind: Literal["message_handler", "event", "rpc"],
    strict: bool,
    match: Router | None,
) -> MessageHandler[AgentT, ReceivesT, ProducesT]:
    targets, produces = _signature_types(func, kind)
    target_set = frozenset(targets)
    any_response = _AnyType in produces
    produce_set = frozenset(produces)
    event_only = kind == "event"

    @wraps(func)
    async def wrapper(self: AgentT, message: ReceivesT, ctx: MessageContext) -> ProducesT:
        if type(message) not in target_set:
            if strict:
                raise CantHandleException(
                    f"{func.__qualname__} handles {[t.__name__ for t in targets]}, not "
                    f"{type(message).__name__}."
                )
            _logger.warning("%s got a %s", func.__qualname__, type(message).__name__)
        result = await func(self, message, ctx)
        if event_only:
            if result is not None:
                if strict:
                    raise ValueError(
                        f"@event handler {func.__qualname__} returned a "
                        f"{type(result).__name__}; event handlers return None."
                    )
                _logger.warning("event handler %s returned a value", func.__qualname__)
                return cast(ProducesT, None)
        elif not any_response and type(result) not in produce_set:
            if strict:
                raise ValueError(
                    f"{func.__qualname__} returned a {type(result).__name__}, not one of its "
                    f"declared return types {[t.__name__ for t in produces]}."
                )
            _logger.warning("%s returned a %s", func.__qualname__, type(result).__name__)
        return result

    if kind == "event":

        def router(message: Any, ctx: MessageContext) -> bool:
            return not ctx.is_rpc and (match is None or match(message, ctx))

    elif kind == "rpc":

        def router(message: Any, ctx: MessageContext) -> bool:
            return ctx.is_rpc and (match is None or match(message, ctx))

    else:

        def router(message: Any, ctx: MessageContext) -> bool:
            return match is None or match(message, ctx)

    handler = cast(MessageHandler[AgentT, ReceivesT, ProducesT], wrapper)
    handler.target_types = list(targets)
    handler.produces_types = list(produces)
    handler.is_message_handler = True
    handler.router = router
    return handler


Decorator = Callable[
    [HandlerFunc[AgentT, ReceivesT, ProducesT]], MessageHandler[AgentT, ReceivesT, ProducesT]
]


@overload
def message_handler(
    func: HandlerFunc[AgentT, ReceivesT, ProducesT],
) -> MessageHandler[AgentT, ReceivesT, ProducesT]: ...


@overload
def message_handler(
    func: None = None, *, match: Router | None = ..., strict: bool = ...
) -> Decorator[AgentT, ReceivesT, ProducesT]: ...


def message_handler(
    func: HandlerFunc[AgentT, ReceivesT, ProducesT] | None = None,
    *,
    strict: bool = True,
    match: Router | None = None,
) -> MessageHandler[AgentT, ReceivesT, ProducesT] | Decorator[AgentT, ReceivesT, ProducesT]:
    """Make a :class:`RoutedAgent` method handle both direct and published messages.

    The method is ``async def name(self, message: T, ctx: MessageContext) -> R``: the
    message's type hint (a class or a union) routes messages to it, the return hint states
    what it answers to an RPC.

    Args:
        func: The method (when used without parentheses).
        strict: Raise on a message or response of an undeclared type (else log a warning).
        match: A second routing test ``match(message, ctx) -> bool``; among handlers of one
            type, the first (by method name) whose test passes handles the message.

    Raises:
        TypeError: The method lacks the type hints routing needs.
    """
    if func is None:
        return lambda f: _make_handler(f, "message_handler", strict, match)
    return _make_handler(func, "message_handler", strict, match)


@overload
def event(
    func: HandlerFunc[AgentT, ReceivesT, None],
) -> MessageHandler[AgentT, ReceivesT, None]: ...


@overload
def event(
    func: None = None, *, match: Router | None = ..., strict: bool = ...
) -> Decorator[AgentT, ReceivesT, None]: ...


def event(
    func: HandlerFunc[AgentT, ReceivesT, None] | None = None,
    *,
    strict: bool = True,
    match: Router | None = None,
) -> MessageHandler[AgentT, ReceivesT, None] | Decorator[AgentT, ReceivesT, None]:
    """Like :func:`message_handler`, for published messages only; the method returns None."""
    if func is None:
        return lambda f: _make_handler(f, "event", strict, match)
    return _make_handler(func, "event", strict, match)


@overload
def rpc(
    func: HandlerFunc[AgentT, ReceivesT, ProducesT],
) -> MessageHandler[AgentT, ReceivesT, ProducesT]: ...


@overload
def rpc(
    func: None = None, *, match: Router | None = ..., strict: bool = ...
) -> Decorator[AgentT, ReceivesT, ProducesT]: ...


def rpc(
    func: HandlerFunc[AgentT, ReceivesT, ProducesT] | None = None,
    *,
    strict: bool = True,
    match: Router | None = None,
) -> MessageHandler[AgentT, ReceivesT, ProducesT] | Decorator[AgentT, ReceivesT, ProducesT]:
    """Like :func:`message_handler`, for direct messages (RPC) only."""
    if func is None:
        return lambda f: _make_handler(f, "rpc", strict, match)
    return _make_handler(func, "rpc", strict, match)


_RoutingTable = dict[type, tuple[MessageHandler[Any, Any, Any], ...]]


class RoutedAgent(BaseAgent):
    """An agent whose decorated methods handle messages, routed by message type and ``match``.

    Example:
        >>> from dataclasses import dataclass
        >>> from agentparts import MessageContext, RoutedAgent, rpc
        >>> @dataclass
        ... class Ping:
        ...     n: int
        >>> class Echo(RoutedAgent):
        ...     @rpc
        ...     async def on_ping(self, message: Ping, ctx: MessageContext) -> Ping:
        ...         return Ping(message.n + 1)

    A message no handler takes goes to :meth:`on_unhandled_message`: a direct message
    raises :class:`~agentparts.errors.CantHandleException` in its sender, a published one
    is reported with a ``MessageUnhandled`` event.
    """

    _routing_tables: weakref.WeakKeyDictionary[type, _RoutingTable] = weakref.WeakKeyDictionary()

    def __init__(self, description: str) -> None:
        cls = type(self)
        table = RoutedAgent._routing_tables.get(cls)
        if table is None:
            table = _routing_table(cls)
            RoutedAgent._routing_tables[cls] = table
        self._handlers = table
        super().__init__(description)

    async def on_message_impl(self, message: Any, ctx: MessageContext) -> Any:
        """Route the message to its handler (do not override: add handlers instead)."""
        message_type: type = type(message)  # pyright: ignore[reportUnknownVariableType]
        handlers = self._handlers.get(message_type)
        if handlers is not None:
            for handler in handlers:
                if handler.router(message, ctx):
                    return await handler(self, message, ctx)
        return await self.on_unhandled_message(message, ctx)

    async def on_unhandled_message(self, message: Any, ctx: MessageContext) -> Any:
        """Called for a message no handler takes.

        Raises:
            CantHandleException: For a direct message, so its sender learns at once.
        """
        known = sorted({t.__name__ for t in self._handlers})
        if ctx.is_rpc:
            raise CantHandleException(
                f"Agent {self.id} ({type(self).__name__}) has no handler for a direct message "
                f"of type {type(message).__name__}; it handles {known or 'nothing'}. Add an "
                "@rpc or @message_handler method for it."
            )
        emit(
            MessageUnhandledEvent(
                receiver=str(self.id),
                message_type=type(message).__name__,
                topic_id=str(ctx.topic_id),
                sender=None if ctx.sender is None else str(ctx.sender),
            )
        )
        return None

    @classmethod
    def _discover_handlers(cls) -> list[MessageHandler[Any, Any, Any]]:
        found: list[MessageHandler[Any, Any, Any]] = []
        for name in sorted(dir(cls)):
            value = getattr(cls, name, None)
            if callable(value) and getattr(value, "is_message_handler", False):
                found.append(cast(MessageHandler[Any, Any, Any], value))
        return found

    @classmethod
    def _handles_types(cls) -> list[tuple[type[Any], list[MessageSerializer[Any]]]]:
        found: list[tuple[type[Any], list[MessageSerializer[Any]]]] = list(
            cls.internal_extra_handles_types
        )
        declared = {message_type for message_type, _ in found}  # by @handles
        for handler in cls._discover_handlers():
            for target in handler.target_types:
                if target in declared:
                    continue
                serializers = try_get_known_serializers_for_type(target)
                if not serializers:
                    raise ValueError(
                        f"{cls.__name__}: no serializer is known for message type "
                        f"{getattr(target, '__name__', target)!r}. Make messages dataclasses, "
                        "pydantic models or protobuf messages, or give the class a "
                        "serializer for the type with @handles(Type, serializer=...)."
                    )
                found.append((target, serializers))
            for produced in handler.produces_types:  # answers cross processes too
                serializers = try_get_known_serializers_for_type(produced)
                if serializers:
                    found.append((produced, serializers))
        return found


def _routing_table(cls: type[RoutedAgent]) -> _RoutingTable:
    table: dict[type, list[MessageHandler[Any, Any, Any]]] = {}
    for handler in cls._discover_handlers():
        for target in handler.target_types:
            table.setdefault(target, []).append(handler)
    return {target: tuple(handlers) for target, handlers in table.items()}
