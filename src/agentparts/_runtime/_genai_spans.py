"""OpenTelemetry spans for agent and tool work, named by the GenAI semantic conventions.

``trace_create_agent_span``, ``trace_invoke_agent_span`` and ``trace_tool_span`` open a
span around a block of code when OpenTelemetry is installed (the ``otel`` extra); without
it they run the block inside a span that records nothing, so instrumented code needs no
``if``. OpenTelemetry is imported on the first call, never by ``import agentparts``.

The GenAI conventions are still in incubation; attribute names follow
https://opentelemetry.io/docs/specs/semconv/gen-ai/.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ._context import AgentInstantiationContext

__all__ = [
    "GENAI_SYSTEM",
    "NoOpSpan",
    "trace_create_agent_span",
    "trace_invoke_agent_span",
    "trace_tool_span",
]

GENAI_SYSTEM = "agentparts"
"""The ``gen_ai.system`` attribute of every span made here."""

_TRACER_NAME = "agentparts"


class NoOpSpan:
    """What the span helpers yield without OpenTelemetry: every span method does nothing."""

    def set_attribute(self, key: str, value: Any) -> None:
        """Does nothing."""

    def set_attributes(self, attributes: dict[str, Any]) -> None:
        """Does nothing."""

    def add_event(self, name: str, attributes: dict[str, Any] | None = None) -> None:
        """Does nothing."""

    def record_exception(self, exception: BaseException, **kwargs: Any) -> None:
        """Does nothing."""

    def set_status(self, status: Any, description: str | None = None) -> None:
        """Does nothing."""

    def update_name(self, name: str) -> None:
        """Does nothing."""

    def is_recording(self) -> bool:
        """False: nothing is recorded."""
        return False


def _trace_module() -> Any | None:
    try:
        return importlib.import_module("opentelemetry.trace")
    except ImportError:
        return None


@contextmanager
def _genai_span(
    name: str,
    attributes: dict[str, Any],
    *,
    kind: str,
    tracer: Any | None,
    parent: Any | None,
) -> Generator[Any]:
    """A span ``name`` of ``kind`` (a SpanKind member name) under ``parent``, or a no-op."""
    trace = _trace_module()
    if trace is None:
        yield NoOpSpan()
        return
    active: Any = tracer if tracer is not None else trace.get_tracer(_TRACER_NAME)
    context = trace.set_span_in_context(parent) if parent is not None else None
    with active.start_as_current_span(
        name,
        kind=getattr(trace.SpanKind, kind),
        context=context,
        attributes=attributes,
        record_exception=False,  # recorded once below, with the error type
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except Exception as error:
            span.record_exception(error)
            span.set_status(trace.Status(trace.StatusCode.ERROR, str(error)))
            span.set_attribute("error.type", type(error).__name__)
            raise


def _base_attributes(operation: str) -> dict[str, Any]:
    return {"gen_ai.operation.name": operation, "gen_ai.system": GENAI_SYSTEM}


def _agent_attributes(
    operation: str, agent_name: str, agent_id: str | None, agent_description: str | None
) -> dict[str, Any]:
    attributes = _base_attributes(operation)
    attributes["gen_ai.agent.name"] = agent_name
    if agent_id is not None:
        attributes["gen_ai.agent.id"] = agent_id
    if agent_description is not None:
        attributes["gen_ai.agent.description"] = agent_description
    return attributes


def trace_tool_span(
    tool_name: str,
    *,
    tracer: Any | None = None,
    parent: Any | None = None,
    tool_description: str | None = None,
    tool_call_id: str | None = None,
) -> AbstractContextManager[Any]:
    """A context manager: an ``execute_tool {tool_name}`` span (INTERNAL) around the block.

    An exception leaving the block is recorded on the span (status ERROR, ``error.type``)
    and raised on.

    Args:
        tool_name: The tool's name (``gen_ai.tool.name``).
        tracer: The OpenTelemetry tracer (None: the global provider's ``agentparts`` tracer).
        parent: A span to be the parent (None: the current span).
        tool_description: ``gen_ai.tool.description``, if given.
        tool_call_id: ``gen_ai.tool.call.id``, if given.

    Example:
        >>> from agentparts import trace_tool_span
        >>> with trace_tool_span("add", tool_call_id="call_1") as span:
        ...     result = 1 + 2
    """
    attributes = _base_attributes("execute_tool")
    attributes["gen_ai.tool.name"] = tool_name
    if tool_description is not None:
        attributes["gen_ai.tool.description"] = tool_description
    if tool_call_id is not None:
        attributes["gen_ai.tool.call.id"] = tool_call_id
    return _genai_span(
        f"execute_tool {tool_name}", attributes, kind="INTERNAL", tracer=tracer, parent=parent
    )


def trace_create_agent_span(
    agent_name: str,
    *,
    tracer: Any | None = None,
    parent: Any | None = None,
    agent_id: str | None = None,
    agent_description: str | None = None,
) -> AbstractContextManager[Any]:
    """A context manager: a ``create_agent {agent_name}`` span (CLIENT) around the block.

    Inside an agent factory run by a runtime, ``agent_id`` defaults to the id of the agent
    being created.

    Args:
        agent_name: The agent's name (``gen_ai.agent.name``).
        tracer: The OpenTelemetry tracer (None: the global provider's ``agentparts`` tracer).
        parent: A span to be the parent (None: the current span).
        agent_id: ``gen_ai.agent.id`` (None: the agent being created, if any).
        agent_description: ``gen_ai.agent.description``, if given.
    """
    if agent_id is None and AgentInstantiationContext.is_in_factory_call():
        agent_id = str(AgentInstantiationContext.current_agent_id())
    attributes = _agent_attributes("create_agent", agent_name, agent_id, agent_description)
    return _genai_span(
        f"create_agent {agent_name}", attributes, kind="CLIENT", tracer=tracer, parent=parent
    )


def trace_invoke_agent_span(
    agent_name: str,
    *,
    tracer: Any | None = None,
    parent: Any | None = None,
    agent_id: str | None = None,
    agent_description: str | None = None,
) -> AbstractContextManager[Any]:
    """A context manager: an ``invoke_agent {agent_name}`` span (CLIENT) around the block.

    Args:
        agent_name: The agent's name (``gen_ai.agent.name``).
        tracer: The OpenTelemetry tracer (None: the global provider's ``agentparts`` tracer).
        parent: A span to be the parent (None: the current span).
        agent_id: ``gen_ai.agent.id``, if given.
        agent_description: ``gen_ai.agent.description``, if given.
    """
    attributes = _agent_attributes("invoke_agent", agent_name, agent_id, agent_description)
    return _genai_span(
        f"invoke_agent {agent_name}", attributes, kind="CLIENT", tracer=tracer, parent=parent
    )
