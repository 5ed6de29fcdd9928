"""OpenTelemetry spans of the in-process runtime (with the ``otel`` extra)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

import pytest

pytest.importorskip("opentelemetry.trace")

from opentelemetry import trace

from agentparts import (
    AgentId,
    MessageContext,
    RoutedAgent,
    SingleThreadedAgentRuntime,
    TopicId,
    TypeSubscription,
    message_handler,
    trace_create_agent_span,
    trace_invoke_agent_span,
    trace_tool_span,
)

from .agents import Note, Ping, Pong, Recorder


class RecordingTracer:
    def __init__(self) -> None:
        self.spans: list[tuple[str, dict[str, Any]]] = []

    @contextmanager
    def start_as_current_span(self, name: str, **kwargs: Any) -> Generator[None]:
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


# --- GenAI spans (trace_create_agent_span, trace_invoke_agent_span, trace_tool_span) -----


class OtelSpan(trace.Span):
    """A span on OpenTelemetry's own API that keeps what was set on it."""

    def __init__(self, name: str, kind: trace.SpanKind, parent: trace.Span, attributes: Any):
        self.name = name
        self.kind = kind
        self.parent = parent
        self.attributes: dict[str, Any] = dict(attributes or {})
        self.exceptions: list[BaseException] = []
        self.status: trace.Status | None = None
        self.ended = False
        self._context = trace.SpanContext(
            trace_id=1, span_id=id(self) & 0xFFFFFFFFFFFF or 1, is_remote=False
        )

    def get_span_context(self) -> trace.SpanContext:
        return self._context

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def set_attributes(self, attributes: Any) -> None:
        self.attributes.update(attributes)

    def add_event(self, name: str, attributes: Any = None, timestamp: int | None = None) -> None:
        pass

    def update_name(self, name: str) -> None:
        self.name = name

    def is_recording(self) -> bool:
        return not self.ended

    def set_status(self, status: Any, description: str | None = None) -> None:
        self.status = status

    def record_exception(self, exception: BaseException, *args: Any, **kwargs: Any) -> None:
        self.exceptions.append(exception)

    def end(self, end_time: int | None = None) -> None:
        self.ended = True


class OtelTracer(trace.Tracer):
    """A tracer on OpenTelemetry's API: parents come from OpenTelemetry's context."""

    def __init__(self) -> None:
        self.spans: list[OtelSpan] = []

    def start_span(  # type: ignore[override]
        self,
        name: str,
        context: Any = None,
        kind: trace.SpanKind = trace.SpanKind.INTERNAL,
        attributes: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> OtelSpan:
        span = OtelSpan(name, kind, trace.get_current_span(context), attributes)
        self.spans.append(span)
        return span

    @contextmanager
    def start_as_current_span(  # type: ignore[override]
        self,
        name: str,
        context: Any = None,
        kind: trace.SpanKind = trace.SpanKind.INTERNAL,
        attributes: Any = None,
        *args: Any,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        **kwargs: Any,
    ) -> Generator[OtelSpan]:
        span = self.start_span(name, context, kind, attributes)
        with trace.use_span(
            span,
            end_on_exit=True,
            record_exception=record_exception,
            set_status_on_exception=set_status_on_exception,
        ):
            yield span


class OtelProvider(trace.TracerProvider):
    def __init__(self) -> None:
        self.tracer = OtelTracer()
        self.names: list[str] = []

    def get_tracer(self, instrumenting_module_name: str, *args: Any, **kwargs: Any) -> OtelTracer:  # type: ignore[override]
        self.names.append(instrumenting_module_name)
        return self.tracer


def test_tool_span_names_attributes_and_nests_under_the_current_span() -> None:
    tracer = OtelTracer()
    with trace_invoke_agent_span(
        "writer", tracer=tracer, agent_id="writer/1", agent_description="writes"
    ) as outer:
        with trace_tool_span(
            "add", tracer=tracer, tool_description="adds", tool_call_id="call_1"
        ) as inner:
            assert trace.get_current_span() is inner
    outer_span, tool_span = tracer.spans
    assert outer is outer_span and inner is tool_span
    assert (outer_span.name, outer_span.kind) == ("invoke_agent writer", trace.SpanKind.CLIENT)
    assert outer_span.attributes == {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.system": "agentparts",
        "gen_ai.agent.name": "writer",
        "gen_ai.agent.id": "writer/1",
        "gen_ai.agent.description": "writes",
    }
    assert (tool_span.name, tool_span.kind) == ("execute_tool add", trace.SpanKind.INTERNAL)
    assert tool_span.parent is outer_span
    assert tool_span.attributes == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.system": "agentparts",
        "gen_ai.tool.name": "add",
        "gen_ai.tool.description": "adds",
        "gen_ai.tool.call.id": "call_1",
    }
    assert outer_span.ended and tool_span.ended


def test_an_explicit_parent_wins_and_errors_are_recorded_once_then_raised() -> None:
    tracer = OtelTracer()
    with trace_create_agent_span("root", tracer=tracer) as root:
        pass
    with pytest.raises(KeyError):
        with trace_tool_span("lookup", tracer=tracer, parent=root):
            raise KeyError("missing")
    tool_span = tracer.spans[1]
    assert tool_span.parent is root
    assert [type(e) for e in tool_span.exceptions] == [KeyError]
    assert tool_span.status is not None
    assert tool_span.status.status_code is trace.StatusCode.ERROR
    assert tool_span.attributes["error.type"] == "KeyError"
    assert "gen_ai.agent.id" not in root.attributes  # not inside a factory


class Created(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("made in a span")
        tracer = CREATE_TRACER.pop()
        with trace_create_agent_span("created", tracer=tracer):
            pass
        CREATE_TRACER.append(tracer)

    @message_handler
    async def on_ping(self, message: Ping, ctx: MessageContext) -> Pong:
        return Pong(message.n + 1)


CREATE_TRACER: list[OtelTracer] = []


async def test_create_agent_span_inside_a_factory_names_the_agent_being_created() -> None:
    tracer = OtelTracer()
    CREATE_TRACER.append(tracer)
    runtime = SingleThreadedAgentRuntime()
    await Created.register(runtime, "made", Created)
    runtime.start()
    assert await runtime.send_message(Ping(1), AgentId("made", "k1")) == Pong(2)
    await runtime.close()
    [span] = tracer.spans
    assert span.name == "create_agent created"
    assert span.kind is trace.SpanKind.CLIENT
    assert span.attributes["gen_ai.agent.id"] == "made/k1"


_GLOBAL_PROVIDER = """
from opentelemetry import trace
from tests.runtime.test_telemetry import OtelProvider
from agentparts import trace_tool_span
provider = OtelProvider()
trace.set_tracer_provider(provider)
with trace_tool_span("t"):
    pass
print(provider.names, [s.name for s in provider.tracer.spans])
"""

_WITHOUT_OTEL = """
import sys
sys.modules["opentelemetry"] = None  # as if the otel extra were not installed
from agentparts import trace_create_agent_span, trace_invoke_agent_span, trace_tool_span
with trace_create_agent_span("a") as span:
    span.set_attribute("k", "v")
    print(type(span).__name__, span.is_recording())
try:
    with trace_tool_span("t", tool_call_id="1"):
        raise ValueError("boom")
except ValueError as error:
    print("raised", error)
with trace_invoke_agent_span("a", agent_id="a/1"):
    pass
print("opentelemetry" in sys.modules and sys.modules["opentelemetry"] is not None)
"""


def _run(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_without_a_tracer_the_global_provider_gives_the_agentparts_tracer() -> None:
    assert _run(_GLOBAL_PROVIDER) == ["['agentparts'] ['execute_tool t']"]


def test_without_opentelemetry_the_span_helpers_record_nothing_and_errors_pass() -> None:
    assert _run(_WITHOUT_OTEL) == ["NoOpSpan False", "raised boom", "False"]
