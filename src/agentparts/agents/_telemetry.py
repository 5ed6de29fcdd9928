"""Optional OpenTelemetry spans, following the GenAI semantic conventions.

Spans are made only when OpenTelemetry is already imported in the process (it is once
an application configures a tracer provider), so agents never import it themselves and
cost nothing without it. Install the ``otel`` extra for ``opentelemetry-api``.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

__all__ = ["agent_span", "tool_span"]

_TRACER_NAME = "agentparts"


def _tracer() -> Any | None:
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return None
    return trace.get_tracer(_TRACER_NAME)


@contextmanager
def _span(tracer: Any, name: str, attributes: dict[str, Any]) -> Generator[None]:
    with tracer.start_as_current_span(name, attributes=attributes, record_exception=True):
        yield


_NO_SPAN = nullcontext()


def agent_span(agent_name: str, description: str, agent_id: str) -> AbstractContextManager[Any]:
    """A span ``invoke_agent {name}`` around one agent turn (nothing without OpenTelemetry)."""
    tracer = _tracer()
    if tracer is None:
        return _NO_SPAN
    return _span(
        tracer,
        f"invoke_agent {agent_name}",
        {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.provider.name": "agentparts",
            "gen_ai.agent.name": agent_name,
            "gen_ai.agent.id": agent_id,
            "gen_ai.agent.description": description,
        },
    )


def tool_span(tool_name: str, call_id: str) -> AbstractContextManager[Any]:
    """A span ``execute_tool {name}`` around one tool call (nothing without OpenTelemetry)."""
    tracer = _tracer()
    if tracer is None:
        return _NO_SPAN
    return _span(
        tracer,
        f"execute_tool {tool_name}",
        {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": tool_name,
            "gen_ai.tool.call.id": call_id,
            "gen_ai.tool.type": "function",
        },
    )
