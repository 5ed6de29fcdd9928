"""What only the Ray runtime has to show: payloads between processes, dead actors, the
cluster address, and shutdown that leaves no actor behind."""

from __future__ import annotations

import time

import pytest

from agentparts import AgentId, AgentRuntime
from agentparts.errors import AgentDiedError, AgentRuntimeUnavailableError

from .agents import Big, Crash, Ping, Pong, Query, Recorder, Seen, Unserializable

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
