"""Intervention handlers: see, change or drop every message before it is delivered."""

from __future__ import annotations

from typing import Any, Protocol, final

from ._context import MessageContext
from ._ids import AgentId

__all__ = ["DefaultInterventionHandler", "DropMessage", "InterventionHandler"]


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
