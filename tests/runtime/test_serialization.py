"""Serializers: what crosses processes, and the errors for what cannot."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel

from agentparts import (
    JSON_DATA_CONTENT_TYPE,
    PROTOBUF_DATA_CONTENT_TYPE,
    AgentId,
    BaseAgent,
    MessageContext,
    RoutedAgent,
    SingleThreadedAgentRuntime,
    UnknownPayload,
    handles,
    message_handler,
    try_get_known_serializers_for_type,
)
from agentparts._runtime import SerializationRegistry
from agentparts._runtime._protobuf import ProtobufMessageSerializer

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


if TYPE_CHECKING:
    from google.protobuf.wrappers_pb2 import StringValue
else:
    try:
        from google.protobuf.wrappers_pb2 import StringValue
    except ImportError:  # the protobuf tests skip; ProtoEcho still defines

        class StringValue:
            pass


class ProtoEcho(RoutedAgent):
    @message_handler
    async def on_string(self, message: StringValue, ctx: MessageContext) -> StringValue:
        return StringValue(value=message.value + "!")


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


# --- protobuf messages ------------------------------------------------------------------


def test_protobuf_message_round_trip_under_its_full_name() -> None:
    wrappers_pb2 = pytest.importorskip("google.protobuf.wrappers_pb2")
    [serializer] = try_get_known_serializers_for_type(wrappers_pb2.StringValue)
    assert serializer.data_content_type == PROTOBUF_DATA_CONTENT_TYPE
    assert serializer.type_name == "google.protobuf.StringValue"
    registry = SerializationRegistry()
    registry.add_serializer(serializer)
    message = wrappers_pb2.StringValue(value="hi")
    name = registry.type_name(message)
    assert name == "google.protobuf.StringValue"
    data = registry.serialize(message, type_name=name, data_content_type=PROTOBUF_DATA_CONTENT_TYPE)
    back = registry.deserialize(data, type_name=name, data_content_type=PROTOBUF_DATA_CONTENT_TYPE)
    assert isinstance(back, wrappers_pb2.StringValue)
    assert back == message
    with pytest.raises(ValueError, match=r"has serializers for application/x-protobuf only"):
        registry.serialize(message, type_name=name)  # JSON asked for (the Ray runtime's wire)


def test_protobuf_serializer_refuses_other_payloads_and_classes() -> None:
    wrappers_pb2 = pytest.importorskip("google.protobuf.wrappers_pb2")
    strings = ProtobufMessageSerializer(wrappers_pb2.StringValue)
    ints = ProtobufMessageSerializer(wrappers_pb2.Int64Value)
    with pytest.raises(ValueError, match=r"holds 'google\.protobuf\.Int64Value'"):
        strings.deserialize(ints.serialize(wrappers_pb2.Int64Value(value=3)))
    with pytest.raises(ValueError, match="not a packed protobuf message"):
        strings.deserialize(b"\xff\xff\xff")
    with pytest.raises(TypeError, match=r"packs google\.protobuf\.StringValue messages"):
        strings.serialize(wrappers_pb2.Int64Value(value=3))
    with pytest.raises(TypeError, match="needs a generated protobuf message class"):
        ProtobufMessageSerializer(Ping)


async def test_an_agent_handling_a_protobuf_type_registers_and_answers() -> None:
    wrappers_pb2 = pytest.importorskip("google.protobuf.wrappers_pb2")
    runtime = SingleThreadedAgentRuntime()
    await ProtoEcho.register(runtime, "proto", lambda: ProtoEcho("echo"))
    registry = runtime._serializers  # pyright: ignore[reportPrivateUsage]
    assert registry.is_registered("google.protobuf.StringValue", PROTOBUF_DATA_CONTENT_TYPE)
    runtime.start()
    answer = await runtime.send_message(wrappers_pb2.StringValue(value="a"), AgentId("proto", "k"))
    assert answer == wrappers_pb2.StringValue(value="a!")
    await runtime.close()


_WITHOUT_PROTOBUF = """
import sys
sys.modules["google.protobuf"] = None  # as if protobuf were not installed
from dataclasses import dataclass
from agentparts import SingleThreadedAgentRuntime, try_get_known_serializers_for_type
from agentparts._runtime._protobuf import ProtobufMessageSerializer

@dataclass
class Ping:
    n: int

assert len(try_get_known_serializers_for_type(Ping)) == 1
try:
    ProtobufMessageSerializer(Ping)
except ImportError as error:
    print(error)
"""


def test_without_protobuf_a_protobuf_serializer_says_what_to_install() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PROTOBUF], capture_output=True, text=True, check=True
    )
    assert "need the 'protobuf' package, which is not installed" in done.stdout
    assert "pip install protobuf" in done.stdout


def test_the_runtime_does_not_import_protobuf() -> None:
    code = (
        "import asyncio, sys\n"
        "from tests.runtime.agents import Ping, Pong, Recorder\n"
        "from agentparts import AgentId, SingleThreadedAgentRuntime\n"
        "async def main():\n"
        "    runtime = SingleThreadedAgentRuntime()\n"
        "    await Recorder.register(runtime, 'rec', Recorder)\n"
        "    runtime.start()\n"
        "    assert await runtime.send_message(Ping(1), AgentId('rec', 'k')) == Pong(2)\n"
        "    await runtime.close()\n"
        "asyncio.run(main())\n"
        "print('google.protobuf' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --- @handles ------------------------------------------------------------------------------


class Shout:
    """A plain class: no built-in serializer knows it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shout) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class ShoutSerializer:
    data_content_type = "text/plain"
    type_name = "Shout"

    def serialize(self, message: Shout) -> bytes:
        return message.text.encode()

    def deserialize(self, payload: bytes) -> Shout:
        return Shout(payload.decode())


def test_handles_declares_types_and_their_serializers() -> None:
    @handles(Ping)
    @handles(Shout, serializer=ShoutSerializer())
    class Echo(BaseAgent):
        async def on_message_impl(self, message: Any, ctx: MessageContext) -> Any:
            return message

    declared = dict(Echo._handles_types())  # pyright: ignore[reportPrivateUsage]
    assert set(declared) == {Ping, Shout}
    assert [s.type_name for s in declared[Ping]] == ["Ping"]
    assert isinstance(declared[Shout][0], ShoutSerializer)
    assert BaseAgent.internal_extra_handles_types == []  # per class, not shared
    with pytest.raises(ValueError, match="No serializer is known for message type 'Shout'"):
        handles(Shout)


async def test_handles_serializer_reaches_the_runtime_and_lets_a_handler_take_the_type() -> None:
    @handles(Shout, serializer=[ShoutSerializer()])
    class Loud(RoutedAgent):
        @message_handler
        async def on_shout(self, message: Shout, ctx: MessageContext) -> str:
            return message.text.upper()

    runtime = SingleThreadedAgentRuntime()
    await Loud.register(runtime, "loud", lambda: Loud("shouts"))
    registry = runtime._serializers  # pyright: ignore[reportPrivateUsage]
    assert registry.is_registered("Shout", "text/plain")
    runtime.start()
    assert await runtime.send_message(Shout("hey"), AgentId("loud", "k")) == "HEY"
    await runtime.close()

    class Quiet(RoutedAgent):  # the same handler without @handles: no serializer for Shout
        @message_handler
        async def on_shout(self, message: Shout, ctx: MessageContext) -> str:
            return message.text

    with pytest.raises(ValueError, match=r"@handles\(Type, serializer=...\)"):
        await Quiet.register(SingleThreadedAgentRuntime(), "quiet", lambda: Quiet("q"))
