"""What travels between the driver, the directory and the agent actors.

A message travels as ``(type_name, content_type, bytes)``, made and read by the runtime's
serializers; its context as plain strings. Ray itself never pickles a message.
"""

from __future__ import annotations

import pickle
import traceback
from dataclasses import dataclass
from typing import Any

from ..._cancellation_token import CancellationToken
from ..._runtime._context import MessageContext
from ..._runtime._ids import AgentId, TopicId
from ..._runtime._serialization import JSON_DATA_CONTENT_TYPE, SerializationRegistry, type_name
from ...errors import MessageHandlerException

__all__ = ["Wire", "WireContext", "decode", "describe", "encode", "portable_error"]

Wire = tuple[str, str, bytes]
"""A serialized message: type name, content type, payload."""

_NONE: Wire = ("None", "none", b"")


@dataclass(frozen=True)
class WireContext:
    """A message's context as strings: sender, topic, RPC or not, id."""

    sender: str | None
    topic: str | None
    is_rpc: bool
    message_id: str | None

    @classmethod
    def of(
        cls, sender: AgentId | None, topic: TopicId | None, is_rpc: bool, message_id: str | None
    ) -> WireContext:
        """The wire form of a context."""
        return cls(
            None if sender is None else str(sender),
            None if topic is None else str(topic),
            is_rpc,
            message_id,
        )

    def to_context(self, token: CancellationToken) -> MessageContext:
        """The :class:`MessageContext` a handler gets."""
        return MessageContext(
            None if self.sender is None else AgentId.from_str(self.sender),
            None if self.topic is None else TopicId.from_str(self.topic),
            self.is_rpc,
            token,
            self.message_id,
        )


def encode(registry: SerializationRegistry, message: Any) -> Wire:
    """``message`` in its wire form (None stays None: a handler's empty answer).

    Raises:
        ValueError: No serializer is registered for the message's type.
    """
    if message is None:
        return _NONE
    name = type_name(message)
    content_type = registry.content_type_for(name)
    return (
        name,
        content_type,
        registry.serialize(message, type_name=name, data_content_type=content_type),
    )


def decode(registry: SerializationRegistry, wire: Wire) -> Any:
    """The message a wire form stands for (``UnknownPayload`` for an unknown type)."""
    if wire == _NONE:
        return None
    name, content_type, data = wire
    return registry.deserialize(data, type_name=name, data_content_type=content_type)


def describe(registry: SerializationRegistry, message: Any) -> str:
    """``message`` as text for an event: its JSON form, else its ``repr``."""
    try:
        name = type_name(message)
        content_type = registry.content_type_for(name)
        if content_type != JSON_DATA_CONTENT_TYPE:
            return repr(message)
        return registry.serialize(message, type_name=name).decode()
    except Exception:
        return repr(message)


def portable_error(error: BaseException, where: str) -> BaseException:
    """``error`` if it survives pickling, else a :class:`MessageHandlerException` telling it."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        text = "".join(traceback.format_exception(error)).rstrip()
        return MessageHandlerException(
            f"{where} raised {type(error).__name__}: {error} (the exception cannot be sent "
            f"back as it is, so here is its traceback)\n{text}"
        )
    return error
