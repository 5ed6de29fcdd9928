"""The in-process runtime, :class:`SingleThreadedAgentRuntime`, in parts by responsibility:
shared state and failure reports (``_state``), registration (``_registry``), delivery and
the queue (``_delivery``), start/stop/close (``_lifecycle``).
"""

from ._runtime import SingleThreadedAgentRuntime as SingleThreadedAgentRuntime

__all__ = ["SingleThreadedAgentRuntime"]
