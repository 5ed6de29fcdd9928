"""Optional OpenTelemetry spans for the runtime: made only when OpenTelemetry is loaded.

Like the agents' spans, nothing here imports OpenTelemetry: spans appear once an
application has imported it (configuring a tracer provider does), or when a runtime is
given a ``tracer_provider``. Without it each message pays one dictionary lookup.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

__all__ = ["RuntimeTracer"]

_NO_SPAN: AbstractContextManager[Any] = nullcontext()


@contextmanager
def _span(tracer: Any, name: str, attributes: dict[str, Any]) -> Generator[None]:
    with tracer.start_as_current_span(name, attributes=attributes, record_exception=True):
        yield


class RuntimeTracer:
    """Makes the runtime's spans (``send``, ``publish``, ``process``), or nothing.

    Args:
        runtime_name: The runtime's class name, set on every span.
        tracer_provider: An OpenTelemetry ``TracerProvider`` (None: the global one, if
            OpenTelemetry is loaded).
    """

    __slots__ = ("_provider", "_runtime_name", "_tracer")

    def __init__(self, runtime_name: str, tracer_provider: Any | None = None) -> None:
        self._runtime_name = runtime_name
        self._provider = tracer_provider
        self._tracer: Any | None = None

    def _get_tracer(self) -> Any | None:
        if self._tracer is not None:
            return self._tracer
        trace = sys.modules.get("opentelemetry.trace")
        if trace is None:
            if self._provider is None:
                return None
            import opentelemetry.trace as trace  # only with a provider given
        self._tracer = trace.get_tracer("agentparts.runtime", tracer_provider=self._provider)
        return self._tracer

    def span(
        self, operation: str, target: object, **attributes: Any
    ) -> AbstractContextManager[Any]:
        """A span ``{operation} {target}`` (a no-op without OpenTelemetry)."""
        tracer = self._get_tracer()
        if tracer is None:
            return _NO_SPAN
        attributes["messaging.operation"] = operation
        attributes["messaging.destination"] = str(target)
        attributes["agentparts.runtime"] = self._runtime_name
        return _span(tracer, f"{operation} {target}", attributes)
