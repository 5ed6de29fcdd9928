from __future__ import annotations

__all__ = ["EVENT_LOGGER_NAME", "ROOT_LOGGER_NAME", "TRACE_LOGGER_NAME"]

ROOT_LOGGER_NAME = "agentparts"
"""The parent logger of every agentparts logger."""

EVENT_LOGGER_NAME = "agentparts.events"
"""Logger for structured events (model calls, tool calls, code runs, component loads)."""

TRACE_LOGGER_NAME = "agentparts.trace"
"""Logger for human-readable debug traces."""
