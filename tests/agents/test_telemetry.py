"""OpenTelemetry spans (GenAI semantic conventions) around agent turns and tool calls."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

trace = pytest.importorskip("opentelemetry.trace")

from agentparts.agents import AssistantAgent  # noqa: E402
from agentparts.models.replay import ReplayChatCompletionClient  # noqa: E402

from .conftest import TOOLS_INFO, add, calls  # noqa: E402


class RecordedSpan(trace.Span):
    def __init__(
        self, name: str, attributes: Mapping[str, Any], parent: RecordedSpan | None
    ) -> None:
        self.name = name
        self.attributes = dict(attributes)
        self.parent = parent
        self.ended = False
        self._context = trace.SpanContext(
            trace_id=1,
            span_id=id(self) & 0xFFFFFFFF or 1,
            is_remote=False,
            trace_flags=trace.TraceFlags(1),
        )

    def end(self, end_time: int | None = None) -> None:
        self.ended = True

    def get_span_context(self) -> Any:
        return self._context

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        self.attributes.update(attributes)

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def add_event(self, name: str, attributes: Any = None, timestamp: int | None = None) -> None:
        pass

    def update_name(self, name: str) -> None:
        self.name = name

    def is_recording(self) -> bool:
        return True

    def set_status(self, status: Any, description: str | None = None) -> None:
        pass

    def record_exception(
        self,
        exception: BaseException,
        attributes: Any = None,
        timestamp: Any = None,
        escaped: bool = False,
    ) -> None:
        pass


class RecordingTracer(trace.Tracer):
    def __init__(self, spans: list[RecordedSpan]) -> None:
        self.spans = spans

    def start_span(
        self,
        name: str,
        context: Any = None,
        kind: Any = None,
        attributes: Any = None,
        links: Any = None,
        start_time: Any = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> RecordedSpan:
        parent = trace.get_current_span(context)
        span = RecordedSpan(
            name, attributes or {}, parent if isinstance(parent, RecordedSpan) else None
        )
        self.spans.append(span)
        return span

    @contextmanager
    def start_as_current_span(
        self,
        name: str,
        context: Any = None,
        kind: Any = None,
        attributes: Any = None,
        links: Any = None,
        start_time: Any = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        end_on_exit: bool = True,
    ) -> Iterator[RecordedSpan]:
        span = self.start_span(name, context, kind, attributes)
        with trace.use_span(span, end_on_exit=end_on_exit):
            yield span


class RecordingProvider(trace.TracerProvider):
    def __init__(self) -> None:
        self.spans: list[RecordedSpan] = []

    def get_tracer(self, *args: Any, **kwargs: Any) -> RecordingTracer:
        return RecordingTracer(self.spans)


_PROVIDER = RecordingProvider()


@pytest.fixture
def spans() -> Sequence[RecordedSpan]:
    if not isinstance(trace.get_tracer_provider(), RecordingProvider):
        if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
            pytest.skip("another tracer provider is installed in this process")
        trace.set_tracer_provider(_PROVIDER)
    _PROVIDER.spans.clear()
    return _PROVIDER.spans


async def test_agent_turn_and_tool_calls_make_nested_genai_spans(
    spans: Sequence[RecordedSpan],
) -> None:
    agent = AssistantAgent(
        "traced",
        ReplayChatCompletionClient(
            [calls(("add", '{"a": 1, "b": 2}', "c9"))], model_info=TOOLS_INFO
        ),
        tools=[add],
        description="Adds.",
    )
    await agent.run(task="1+2")
    by_name = {s.name: s for s in spans}
    turn = by_name["invoke_agent traced"]
    assert turn.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert turn.attributes["gen_ai.agent.name"] == "traced"
    assert turn.attributes["gen_ai.agent.description"] == "Adds."
    tool = by_name["execute_tool add"]
    assert tool.attributes["gen_ai.operation.name"] == "execute_tool"
    assert tool.attributes["gen_ai.tool.call.id"] == "c9"
    assert tool.parent is turn
    assert turn.ended and tool.ended
