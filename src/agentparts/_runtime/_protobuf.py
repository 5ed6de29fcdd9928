"""Protobuf messages: their type names and a serializer, without importing protobuf eagerly.

A protobuf message class can only exist once ``google.protobuf`` is imported, so the checks
here look in ``sys.modules`` and never import it; only :class:`ProtobufMessageSerializer`
imports it, when it is made for a message type.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = [
    "PROTOBUF_DATA_CONTENT_TYPE",
    "ProtobufMessageSerializer",
    "is_protobuf_message",
    "protobuf_full_name",
]

PROTOBUF_DATA_CONTENT_TYPE = "application/x-protobuf"
"""The content type of protobuf payloads (a ``google.protobuf.Any`` holding the message)."""


def _message_base() -> type[Any] | None:
    """protobuf's ``Message`` class if protobuf is loaded, else None."""
    module = sys.modules.get("google.protobuf.message")
    return None if module is None else module.Message


def is_protobuf_message(message_or_type: object) -> bool:
    """Whether ``message_or_type`` is a protobuf message or message class."""
    base = _message_base()
    if base is None:
        return False
    if isinstance(message_or_type, type):
        return issubclass(message_or_type, base)
    return isinstance(message_or_type, base)


def protobuf_full_name(message_or_type: Any) -> str:
    """The full name of a protobuf message type (e.g. ``my.package.Greeting``)."""
    return str(message_or_type.DESCRIPTOR.full_name)


def _import_protobuf(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            "Protobuf messages need the 'protobuf' package, which is not installed: "
            "`pip install protobuf`, or send dataclasses or pydantic models instead."
        ) from None


class ProtobufMessageSerializer:
    """Protobuf for one message class: the bytes are a ``google.protobuf.Any`` packing it.

    Made automatically for protobuf message types an agent handles
    (:func:`~agentparts.try_get_known_serializers_for_type`), so payloads keep protobuf's
    own encoding across processes.

    Args:
        cls: The generated protobuf message class.

    Raises:
        ImportError: protobuf is not installed.
        TypeError: ``cls`` is not a protobuf message class.
    """

    def __init__(self, cls: type[Any]) -> None:
        message_module = _import_protobuf("google.protobuf.message")
        self._any_pb2: Any = _import_protobuf("google.protobuf.any_pb2")
        self._decode_error: type[Exception] = message_module.DecodeError
        if not (isinstance(cls, type) and issubclass(cls, message_module.Message)):
            raise TypeError(
                f"ProtobufMessageSerializer needs a generated protobuf message class, got "
                f"{cls!r}; use it for classes made by protoc (subclasses of "
                "google.protobuf.message.Message)."
            )
        self.cls = cls

    @property
    def data_content_type(self) -> str:
        """:data:`PROTOBUF_DATA_CONTENT_TYPE`."""
        return PROTOBUF_DATA_CONTENT_TYPE

    @property
    def type_name(self) -> str:
        """The message's full protobuf name."""
        return protobuf_full_name(self.cls)

    def serialize(self, message: Any) -> bytes:
        """The message packed in a ``google.protobuf.Any``, as bytes.

        Raises:
            TypeError: ``message`` is not an instance of this serializer's class.
        """
        if not isinstance(message, self.cls):
            raise TypeError(
                f"This serializer packs {self.type_name} messages, not "
                f"{type(message).__name__}: register a serializer for that type too."
            )
        packed = self._any_pb2.Any()
        packed.Pack(message)
        return bytes(packed.SerializeToString())

    def deserialize(self, payload: bytes) -> Any:
        """The message the packed bytes hold.

        Raises:
            ValueError: The bytes are not a ``google.protobuf.Any`` holding this class.
        """
        packed = self._any_pb2.Any()
        try:
            packed.ParseFromString(payload)
        except self._decode_error as error:
            raise ValueError(f"Payload is not a packed protobuf message: {error}") from None
        message = self.cls()
        if not packed.Unpack(message):
            raise ValueError(
                f"Payload holds {packed.TypeName() or 'no type'!r}, not {self.type_name!r}."
            )
        return message
