"""Intervention handlers: see, change or drop every message before it is delivered."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Protocol, final

from ..errors import MessageDroppedException
from ..logging import MessageDroppedEvent, MessageKind, emit
from ._context import MessageContext
from ._ids import AgentId

__all__ = ["DefaultInterventionHandler", "DropMessage", "InterventionChain", "InterventionHandler"]


@final
class DropMessage:
    """Returned (the class itself) by an intervention handler to drop the message.

    A dropped direct message raises :class:`~agentparts.errors.MessageDroppedException` in
    its sender; a dropped publish is reported with a ``MessageDroppedEvent``.
    """


class InterventionHandler(Protocol):
    """Sees every message a runtime is asked to deliver, in the order handlers were given.

    Each method returns the message to deliver (the same, or a replacement) or
    :class:`DropMessage`. Returning None is taken as "unchanged" (with a warning).
    """

    async def on_send(
        self, message: Any, *, message_context: MessageContext, recipient: AgentId
    ) -> Any | type[DropMessage]:
        """Called for a direct message (``send_message``) before it is delivered."""
        ...

    async def on_publish(
        self, message: Any, *, message_context: MessageContext
    ) -> Any | type[DropMessage]:
        """Called for a published message before it is delivered to subscribers."""
        ...

    async def on_response(
        self, message: Any, *, sender: AgentId, recipient: AgentId | None
    ) -> Any | type[DropMessage]:
        """Called for a handler's response before the caller gets it."""
        ...


class DefaultInterventionHandler(InterventionHandler):
    """An intervention handler that changes nothing: subclass it and override what you need."""

    async def on_send(
        self, message: Any, *, message_context: MessageContext, recipient: AgentId
    ) -> Any | type[DropMessage]:
        """Return ``message`` unchanged."""
        return message

    async def on_publish(
        self, message: Any, *, message_context: MessageContext
    ) -> Any | type[DropMessage]:
        """Return ``message`` unchanged."""
        return message

    async def on_response(
        self, message: Any, *, sender: AgentId, recipient: AgentId | None
    ) -> Any | type[DropMessage]:
        """Return ``message`` unchanged."""
        return message


def _dropped(changed: Any) -> bool:
    return changed is DropMessage or isinstance(changed, DropMessage)


def _unchanged_if_none(changed: Any, original: Any, handler: object, method: str) -> Any:
    if changed is None and original is not None:  # None passed on unchanged is no mistake
        warnings.warn(
            f"Intervention handler {type(handler).__name__}.{method} returned None; the "
            "message goes on unchanged. Return the message, or DropMessage to drop it.",
            RuntimeWarning,
            stacklevel=4,
        )
        return original
    return changed


class InterventionChain:
    """A runtime's intervention handlers, applied in order (empty: falsy, and free).

    Args:
        handlers: The handlers.
        payload: Renders a message for the ``MessageDropped`` event.
    """

    def __init__(
        self, handlers: Sequence[InterventionHandler], payload: Callable[[Any], str]
    ) -> None:
        self._handlers = tuple(handlers)
        self._payload = payload

    def __bool__(self) -> bool:
        return bool(self._handlers)

    async def on_send(self, message: Any, ctx: MessageContext, recipient: AgentId) -> Any:
        """The direct message to deliver.

        Raises:
            MessageDroppedException: A handler dropped it.
        """
        for handler in self._handlers:
            changed = await handler.on_send(message, message_context=ctx, recipient=recipient)
            if _dropped(changed):
                emit(MessageDroppedEvent(
                    payload=self._payload(message), sender=ctx.sender, receiver=recipient,
                    kind=MessageKind.DIRECT, reason="intervention",
                ))  # fmt: skip
                raise MessageDroppedException(
                    f"Intervention handler {type(handler).__name__} dropped the message to "
                    f"{recipient} ({type(message).__name__})."
                )
            message = _unchanged_if_none(changed, message, handler, "on_send")
        return message

    async def on_response(self, response: Any, sender: AgentId, recipient: AgentId | None) -> Any:
        """The response to hand to the caller.

        Raises:
            MessageDroppedException: A handler dropped it.
        """
        for handler in self._handlers:
            changed = await handler.on_response(response, sender=sender, recipient=recipient)
            if _dropped(changed):
                emit(MessageDroppedEvent(
                    payload=self._payload(response), sender=sender, receiver=recipient,
                    kind=MessageKind.RESPOND, reason="intervention",
                ))  # fmt: skip
                raise MessageDroppedException(
                    f"Intervention handler {type(handler).__name__} dropped the response of "
                    f"{sender} ({type(response).__name__})."
                )
            response = _unchanged_if_none(changed, response, handler, "on_response")
        return response

    async def on_publish(self, message: Any, ctx: MessageContext) -> Any:
        """The published message to deliver, or :class:`DropMessage` (reported as an event)."""
        for handler in self._handlers:
            changed = await handler.on_publish(message, message_context=ctx)
            if _dropped(changed):
                emit(MessageDroppedEvent(
                    payload=self._payload(message), sender=ctx.sender, receiver=ctx.topic_id,
                    kind=MessageKind.PUBLISH, reason="intervention",
                ))  # fmt: skip
                return DropMessage
            message = _unchanged_if_none(changed, message, handler, "on_publish")
        return message
