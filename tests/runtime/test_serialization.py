"""Serializers: what crosses processes, and the errors for what cannot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import JSON_DATA_CONTENT_TYPE, UnknownPayload, try_get_known_serializers_for_type
from agentparts._runtime import SerializationRegistry

from .agents import Big, Ping


@dataclass
class WithUnion:
    value: int | str


@dataclass
class Nested:
    inner: Ping


@dataclass
class Loose:
    items: list[Any]


class Model(BaseModel):
    name: str
    pings: list[int]


def test_dataclass_and_model_round_trip() -> None:
    registry = SerializationRegistry()
    for cls in (Ping, Model, Big):
        registry.add_serializer(try_get_known_serializers_for_type(cls))
    for message in (Ping(3), Model(name="m", pings=[1, 2]), Big(data=b"\x00\xff")):
        name = registry.type_name(message)
        data = registry.serialize(message, type_name=name)
        assert registry.deserialize(data, type_name=name) == message


def test_unknown_type_arrives_as_unknown_payload() -> None:
    registry = SerializationRegistry()
    assert registry.deserialize(b"{}", type_name="Nope") == UnknownPayload(
        "Nope", JSON_DATA_CONTENT_TYPE, b"{}"
    )
    with pytest.raises(ValueError, match="No serializer for message type 'Nope'"):
        registry.serialize(object(), type_name="Nope")


def test_types_json_cannot_round_trip_are_refused() -> None:
    assert try_get_known_serializers_for_type(str) == []
    with pytest.raises(ValueError, match="union field 'value'"):
        try_get_known_serializers_for_type(WithUnion)
    with pytest.raises(ValueError, match="nests a dataclass or model in field 'inner'"):
        try_get_known_serializers_for_type(Nested)
    [serializer] = try_get_known_serializers_for_type(Loose)
    with pytest.raises(ValueError, match="Loose cannot be sent as JSON"):
        serializer.serialize(Loose([Model(name="x", pings=[])]))
