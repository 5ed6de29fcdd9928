"""OpenTelemetry spans of the in-process runtime (with the ``otel`` extra)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

pytest.importorskip("opentelemetry.trace")

from agentparts import AgentId, SingleThreadedAgentRuntime, TopicId, TypeSubscription

from .agents import Note, Ping, Pong, Recorder


class RecordingTracer:
    def __init__(self) -> None:
        self.spans: list[tuple[str, dict[str, Any]]] = []

    @contextmanager
    def start_as_current_span(self, name: str, **kwargs: Any) -> Iterator[None]:
        self.spans.append((name, dict(kwargs.get("attributes") or {})))
        yield


class RecordingProvider:
    def __init__(self) -> None:
        self.tracer = RecordingTracer()

    def get_tracer(self, *args: Any, **kwargs: Any) -> RecordingTracer:
        return self.tracer


async def test_send_publish_and_process_spans() -> None:
    provider = RecordingProvider()
    runtime = SingleThreadedAgentRuntime(tracer_provider=provider)
    await Recorder.register(runtime, "rec", Recorder)
    await runtime.add_subscription(TypeSubscription("t", "rec"))
    runtime.start()
    assert await runtime.send_message(Ping(1), AgentId("rec", "k")) == Pong(2)
    await runtime.publish_message(Note("n"), TopicId("t", "k"))
    await runtime.stop_when_idle()
    names = [name for name, _ in provider.tracer.spans]
    assert names == ["send rec/k", "publish t/k", "process rec/k"]
    attributes = provider.tracer.spans[0][1]
    assert attributes["message_type"] == "Ping"
    assert attributes["agentparts.runtime"] == "SingleThreadedAgentRuntime"
