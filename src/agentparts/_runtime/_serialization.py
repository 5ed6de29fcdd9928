"""How messages become bytes and back: serializers by type name and content type.

The in-process runtime hands message objects over as they are; a runtime that crosses
processes (Ray) sends bytes made by the serializers registered for each message type.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, get_args, get_origin, runtime_checkable

from ._protobuf import (
    PROTOBUF_DATA_CONTENT_TYPE,
    ProtobufMessageSerializer,
    is_protobuf_message,
    protobuf_full_name,
)

__all__ = [
    "JSON_DATA_CONTENT_TYPE",
    "PROTOBUF_DATA_CONTENT_TYPE",
    "DataclassJsonMessageSerializer",
    "MessageSerializer",
    "ProtobufMessageSerializer",
    "PydanticJsonMessageSerializer",
    "SerializationRegistry",
    "UnknownPayload",
    "try_get_known_serializers_for_type",
    "type_name",
]

JSON_DATA_CONTENT_TYPE = "application/json"
"""The content type of JSON payloads."""

T = TypeVar("T")


@runtime_checkable
class MessageSerializer(Protocol[T]):
    """Turns messages of one type into bytes of one content type, and back."""

    @property
    def data_content_type(self) -> str:
        """The content type of the bytes, e.g. :data:`JSON_DATA_CONTENT_TYPE`."""
        ...

    @property
    def type_name(self) -> str:
        """The name the message type travels under."""
        ...

    def deserialize(self, payload: bytes) -> T:
        """The message the bytes encode."""
        ...

    def serialize(self, message: T) -> bytes:
        """The message as bytes."""
        ...


@dataclass
class UnknownPayload:
    """A payload that arrived with a type name no registered serializer knows.

    Attributes:
        type_name: The type name it was sent under.
        data_content_type: Its content type.
        payload: The raw bytes.
    """

    type_name: str
    data_content_type: str
    payload: bytes


def type_name(message_or_type: Any) -> str:
    """The name a message type travels under: the class name (a protobuf's full name)."""
    if is_protobuf_message(message_or_type):
        return protobuf_full_name(message_or_type)
    cls = message_or_type if isinstance(message_or_type, type) else type(message_or_type)
    return cls.__name__


def _is_union(tp: Any) -> bool:
    origin = get_origin(tp)
    return origin is typing.Union or origin is types.UnionType


def _mentions_structured_type(tp: Any) -> bool:
    """Whether ``tp`` is or contains a dataclass or a pydantic model."""
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return True
        pydantic = sys.modules.get("pydantic")
        if pydantic is not None and issubclass(tp, pydantic.BaseModel):
            return True
    return any(_mentions_structured_type(arg) for arg in get_args(tp))


class DataclassJsonMessageSerializer(MessageSerializer[T]):
    """JSON for a flat dataclass (no unions, no nested dataclasses or models).

    Args:
        cls: The dataclass.

    Raises:
        ValueError: The dataclass has a union field or nests structured types; use a
            pydantic model for those.
    """

    def __init__(self, cls: type[T]) -> None:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            tp = hints.get(field.name, field.type)
            if _is_union(tp):
                raise ValueError(
                    f"Dataclass {cls.__name__} has a union field {field.name!r}, which JSON "
                    "cannot round-trip: make the message a pydantic model."
                )
            if _mentions_structured_type(tp):
                raise ValueError(
                    f"Dataclass {cls.__name__} nests a dataclass or model in field "
                    f"{field.name!r}: make the message a pydantic model."
                )
        self.cls = cls

    @property
    def data_content_type(self) -> str:
        """:data:`JSON_DATA_CONTENT_TYPE`."""
        return JSON_DATA_CONTENT_TYPE

    @property
    def type_name(self) -> str:
        """The dataclass's name."""
        return type_name(self.cls)

    def deserialize(self, payload: bytes) -> T:
        """The dataclass built from the JSON object."""
        return self.cls(**json.loads(payload))

    def serialize(self, message: T) -> bytes:
        """The dataclass's fields as a JSON object.

        Raises:
            ValueError: A field holds a value JSON cannot carry.
        """
        try:
            return json.dumps(dataclasses.asdict(message)).encode()  # type: ignore[call-overload]
        except TypeError as error:
            raise ValueError(
                f"{type(message).__name__} cannot be sent as JSON ({error}): register a "
                f"MessageSerializer for it (runtime.add_message_serializer), or make it a "
                "pydantic model whose fields are typed."
            ) from None


class PydanticJsonMessageSerializer(MessageSerializer[T]):
    """JSON for a pydantic model (its own ``model_dump_json``/``model_validate_json``).

    Args:
        cls: The model class.
    """

    def __init__(self, cls: type[T]) -> None:
        self.cls = cls

    @property
    def data_content_type(self) -> str:
        """:data:`JSON_DATA_CONTENT_TYPE`."""
        return JSON_DATA_CONTENT_TYPE

    @property
    def type_name(self) -> str:
        """The model's class name."""
        return type_name(self.cls)

    def deserialize(self, payload: bytes) -> T:
        """The model validated from the JSON."""
        return self.cls.model_validate_json(payload)  # type: ignore[attr-defined, no-any-return]

    def serialize(self, message: T) -> bytes:
        """The model as JSON."""
        return message.model_dump_json().encode()  # type: ignore[attr-defined, no-any-return]


def try_get_known_serializers_for_type(cls: type[Any]) -> list[MessageSerializer[Any]]:
    """The serializers agentparts knows for ``cls``: pydantic models, dataclasses, protobuf.

    Returns:
        One serializer for a pydantic model, a dataclass (JSON) or a protobuf message class
        (:data:`PROTOBUF_DATA_CONTENT_TYPE`); an empty list for any other type (register a
        :class:`MessageSerializer` of your own for it).
    """
    if not isinstance(cls, type):
        return []
    pydantic = sys.modules.get("pydantic")  # a class cannot be a model if pydantic is not loaded
    if pydantic is not None and issubclass(cls, pydantic.BaseModel):
        return [PydanticJsonMessageSerializer(cls)]
    if dataclasses.is_dataclass(cls):
        return [DataclassJsonMessageSerializer(cls)]
    if is_protobuf_message(cls):
        return [ProtobufMessageSerializer(cls)]
    return []


class SerializationRegistry:
    """The serializers a runtime knows, keyed by (type name, content type)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[str, str], MessageSerializer[Any]] = {}

    def add_serializer(
        self, serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]]
    ) -> None:
        """Register one serializer or several (a later one replaces an equal key)."""
        if isinstance(serializer, Sequence):
            for one in serializer:
                self.add_serializer(one)
            return
        self._serializers[(serializer.type_name, serializer.data_content_type)] = serializer

    def is_registered(self, type_name: str, data_content_type: str) -> bool:
        """Whether a serializer is registered for the pair."""
        return (type_name, data_content_type) in self._serializers

    def type_name(self, message: Any) -> str:
        """The name ``message`` travels under."""
        return type_name(message)

    def content_type_for(self, type_name: str) -> str:
        """The content type a message of ``type_name`` travels in: JSON when a JSON
        serializer is registered, else the one content type registered for it (protobuf)."""
        if (type_name, JSON_DATA_CONTENT_TYPE) in self._serializers:
            return JSON_DATA_CONTENT_TYPE
        for name, content_type in self._serializers:
            if name == type_name:
                return content_type
        return JSON_DATA_CONTENT_TYPE  # none: serialize() says what to do

    def serialize(
        self, message: Any, *, type_name: str, data_content_type: str = JSON_DATA_CONTENT_TYPE
    ) -> bytes:
        """``message`` as bytes.

        Raises:
            ValueError: No serializer is registered for the type name and content type.
        """
        serializer = self._serializers.get((type_name, data_content_type))
        if serializer is None:
            others = sorted(ct for name, ct in self._serializers if name == type_name)
            if others:
                raise ValueError(
                    f"Message type {type_name!r} has serializers for {', '.join(others)} "
                    f"only, and {data_content_type} was asked for: send it where that "
                    f"content type is carried, or register a {data_content_type} serializer for it."
                )
            raise ValueError(
                f"No serializer for message type {type_name!r} ({data_content_type}): make it "
                "a dataclass or pydantic model handled by a registered agent, or call "
                "runtime.add_message_serializer(...) with a MessageSerializer for it."
            )
        return serializer.serialize(message)

    def deserialize(
        self, payload: bytes, *, type_name: str, data_content_type: str = JSON_DATA_CONTENT_TYPE
    ) -> Any:
        """The message the bytes encode, or :class:`UnknownPayload` for an unknown type."""
        serializer = self._serializers.get((type_name, data_content_type))
        if serializer is None:
            return UnknownPayload(type_name, data_content_type, payload)
        return serializer.deserialize(payload)
