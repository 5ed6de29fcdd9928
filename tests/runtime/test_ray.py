"""What only the Ray runtime has to show: payloads between processes, dead actors, the
cluster address, and shutdown that leaves no actor behind; and interventions on the traffic
between agents (which Ray runs in the actors), the same on both runtimes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from agentparts import (
    AgentId,
    AgentRuntime,
    CancellationToken,
    DefaultInterventionHandler,
    MessageContext,
    RoutedAgent,
    TopicId,
    TypeSubscription,
    rpc,
)
from agentparts.errors import (
    AgentDiedError,
    AgentRuntimeUnavailableError,
    MessageDroppedException,
)

from .agents import (
    Ask,
    Big,
    Crash,
    Forward,
    Note,
    Ping,
    Pong,
    Query,
    Recorder,
    Seen,
    Unserializable,
)
from .conftest import EventLog, RuntimeMaker
from .test_interventions import Doubler, DropPings

pytestmark = pytest.mark.slow


@pytest.fixture
def ray_only(runtime_kind: str) -> None:
    if runtime_kind != "ray":
        pytest.skip("Ray runtime only")


async def test_payload_over_4_mb(runtime: AgentRuntime, ray_only: None) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    data = bytes(range(256)) * (5 * 4096)  # 5 MiB
    reply = await runtime.send_message(Big(data=data), AgentId("rec", "default"))
    assert reply == Big(data=data[::-1])


async def test_payload_without_serializer(runtime: AgentRuntime, ray_only: None) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.raises(ValueError, match="No serializer for message type 'Unserializable'"):
        await runtime.send_message(Unserializable(1), AgentId("rec", "default"))


async def test_actor_dying_mid_message(runtime: AgentRuntime, ray_only: None) -> None:
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    agent = AgentId("rec", "default")
    await runtime.send_message(Ping(1), agent)
    saved = await runtime.agent_save_state(agent)  # the last saved state
    await runtime.send_message(Ping(2), agent)  # not saved: lost with the actor
    with pytest.raises(AgentDiedError, match="died while it handled a Crash"):
        await runtime.send_message(Crash(), agent)
    # The next message recreates the agent from its last saved state.
    assert await runtime.send_message(Query(), agent) == Seen(list(saved["seen"]))


async def test_unreachable_cluster_address(ray_only: None) -> None:
    from agentparts.runtimes.ray import RayAgentRuntime

    runtime = RayAgentRuntime("127.0.0.1:1")
    with pytest.raises(AgentRuntimeUnavailableError, match=r"127\.0\.0\.1:1 does not answer"):
        await runtime.register_factory("rec", Recorder, expected_class=Recorder)
    await runtime.close()


async def test_1000_rpcs_then_no_actor_left(runtime: AgentRuntime, ray_only: None) -> None:
    from agentparts.runtimes.ray import RayAgentRuntime

    assert isinstance(runtime, RayAgentRuntime)
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    started = time.perf_counter()
    for i in range(1000):
        assert await runtime.send_message(Ping(i), AgentId("rec", f"k{i % 4}")) == Pong(i + 1)
    elapsed = time.perf_counter() - started
    assert await runtime.actor_count() == 4
    await runtime.close()
    ray = pytest.importorskip("ray")
    # The GCS actor table (the state API would need Ray's dashboard).
    actors = ray._private.state.actors().values()
    alive = [
        a["ActorClassName"]
        for a in actors
        if a["State"] == "ALIVE" and a["ActorClassName"] in ("AgentHost", "Directory")
    ]
    assert alive == [], f"left running: {alive}"
    print(f"1000 RPCs in {elapsed:.2f} s")
    assert ray.is_initialized()


async def test_interventions_change_what_agents_send_each_other(
    make_runtime: RuntimeMaker,
) -> None:
    runtime = make_runtime(intervention_handlers=[Doubler()])
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    # rec/a sends Ping(5) to rec/b: doubled on the way, +100 on the way back (Pong(111)),
    # then the driver's answer gets +100 again.
    assert await runtime.send_message(Ask(5, "rec", "b"), AgentId("rec", "a")) == Pong(211)
    assert await runtime.send_message(Query(), AgentId("rec", "b")) == Seen(["ping:10:rec/a"])


async def test_a_message_dropped_between_agents_raises_in_the_sending_agent(
    make_runtime: RuntimeMaker,
) -> None:
    runtime = make_runtime(intervention_handlers=[DropPings()])
    await Recorder.register(runtime, "rec", Recorder)
    runtime.start()
    with pytest.raises(MessageDroppedException, match="DropPings dropped the message to rec/b"):
        await runtime.send_message(Ask(1, "rec", "b"), AgentId("rec", "a"))
    assert await runtime.send_message(Query(), AgentId("rec", "b")) == Seen([])


async def test_a_publish_dropped_inside_an_agent_is_not_delivered(
    make_runtime: RuntimeMaker,
) -> None:
    runtime = make_runtime(intervention_handlers=[Doubler()])
    await Recorder.register(runtime, "rec", Recorder)
    await Recorder.register(runtime, "listener", Recorder)
    await runtime.add_subscription(TypeSubscription("t", "listener"))
    runtime.start()
    await runtime.send_message(Forward("drop", "t"), AgentId("rec", "k"))
    await runtime.send_message(Forward("keep", "t"), AgentId("rec", "k"))
    await runtime.stop_when_idle()
    runtime.start()
    seen = await runtime.send_message(Query(), AgentId("listener", "k"))
    assert seen == Seen(["note:keep:t/k:rec/k"])


class RaisesOnPublish(DefaultInterventionHandler):
    async def on_publish(self, message: Any, *, message_context: MessageContext) -> Any:
        raise KeyError("no route for this topic")


async def test_an_intervention_that_raises_on_publish_is_reported(
    make_runtime: RuntimeMaker, events: EventLog
) -> None:
    runtime = make_runtime(intervention_handlers=[RaisesOnPublish()])
    await Recorder.register(runtime, "rec", Recorder)
    await runtime.add_subscription(TypeSubscription("t", "rec"))
    runtime.start()
    await runtime.publish_message(Note("x"), TopicId("t", "k"))
    await runtime.stop_when_idle()
    [reported] = events.of_type("MessageHandlerException")
    assert reported["reason"] == "intervention_failed"
    assert "no route for this topic" in reported["exception"]
    runtime.start()
    assert await runtime.send_message(Query(), AgentId("rec", "k")) == Seen([])


class HoldsALock(DefaultInterventionHandler):
    def __init__(self) -> None:
        self.lock = threading.Lock()


async def test_an_intervention_handler_that_cannot_be_pickled_is_refused(
    ray_only: None,
) -> None:
    from agentparts.runtimes.ray import RayAgentRuntime

    with pytest.raises(TypeError, match=r"HoldsALock cannot be pickled .* every agent actor"):
        RayAgentRuntime(intervention_handlers=[HoldsALock()])


@dataclass
class Stubborn:
    """Handle by waiting forever, ignoring every cancellation."""


class Deaf(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("ignores cancellation")
        self.started = False

    @rpc
    async def on_stubborn(self, message: Stubborn, ctx: MessageContext) -> None:
        self.started = True
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    async def save_state(self) -> Mapping[str, Any]:
        return {"started": self.started}


async def test_a_lost_cancel_still_ends_the_call(
    runtime: AgentRuntime, ray_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ray.cancel can miss an async actor's task (ray-project/ray#52628), and a handler can
    ignore the cancel by call id: the caller still gets CancelledError, not a hang."""
    ray = pytest.importorskip("ray")
    from agentparts.runtimes.ray import _courier

    monkeypatch.setattr(_courier, "CANCEL_GRACE_S", 1.0)
    monkeypatch.setattr(ray, "cancel", lambda *args, **kwargs: None)  # the lost cancel
    await Deaf.register(runtime, "deaf", Deaf)
    runtime.start()
    agent = AgentId("deaf", "default")
    token = CancellationToken()
    call = asyncio.create_task(runtime.send_message(Stubborn(), agent, cancellation_token=token))
    for _ in range(1200):  # bounded: a handler that never starts fails the test
        if (await runtime.agent_save_state(agent))["started"]:
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the Stubborn handler never started")
    token.cancel()
    with pytest.raises(asyncio.CancelledError, match="did not stop within 1 s"):
        await call


async def test_protobuf_messages_travel_in_their_own_encoding(runtime: AgentRuntime) -> None:
    wrappers_pb2 = pytest.importorskip("google.protobuf.wrappers_pb2")
    from .test_serialization import ProtoEcho

    await ProtoEcho.register(runtime, "proto", lambda: ProtoEcho("echo"))
    runtime.start()
    answer = await runtime.send_message(wrappers_pb2.StringValue(value="a"), AgentId("proto", "k"))
    assert answer == wrappers_pb2.StringValue(value="a!")
