"""SingleThreadedAgentRuntime: every agent in this process, on one asyncio event loop.

How a message travels, and why it is fast:

- A direct message (RPC) sent while the runtime runs is handled in the sender's own task:
  no queue, no task, no future. The sender's cancellation token cancels the handler where
  it waits (a :class:`CancelScope`), and whatever the handler raises reaches the sender.
- A published message goes to the queue only when it must wait (the runtime is not
  running, intervention handlers must see it first, or older messages are still queued);
  otherwise each subscriber's delivery starts at once as a task of its own, in publish order.
- Nothing is serialized, and events are built only when a handler listens.
"""

from __future__ import annotations

from .._agent_runtime import AgentRuntime
from ._lifecycle import Lifecycle
from ._registry import Registry

__all__ = ["SingleThreadedAgentRuntime"]


class SingleThreadedAgentRuntime(Lifecycle, Registry, AgentRuntime):
    """An in-process runtime: agents created on demand, messages delivered on one event loop.

    Args:
        intervention_handlers: See, change or drop every message, in this order.
        tracer_provider: An OpenTelemetry tracer provider (spans are made when OpenTelemetry
            is loaded; see ``docs/runtime.md``).
        ignore_unhandled_exceptions: When False, the first exception a handler of a
            published message raises stops message processing and is raised by
            ``stop``/``stop_when_idle``/``stop_when``. Direct messages are not concerned:
            their sender always gets the exception.
        dead_letter_handler: Called (sync or async) with a :class:`DeadLetter` for each
            published message a recipient did not handle: its handler raised, its agent
            could not be created, or the runtime stopped first. Each is also reported as an
            event on ``agentparts.events`` (level WARNING).

    Example:
        >>> import asyncio
        >>> from dataclasses import dataclass
        >>> from agentparts import AgentId, MessageContext, RoutedAgent, SingleThreadedAgentRuntime, rpc
        >>> @dataclass
        ... class Ping:
        ...     n: int
        >>> class Echo(RoutedAgent):
        ...     @rpc
        ...     async def on_ping(self, message: Ping, ctx: MessageContext) -> Ping:
        ...         return Ping(message.n + 1)
        >>> async def main() -> int:
        ...     runtime = SingleThreadedAgentRuntime()
        ...     await Echo.register(runtime, "echo", lambda: Echo("adds one"))
        ...     runtime.start()
        ...     reply = await runtime.send_message(Ping(1), AgentId("echo", "default"))
        ...     await runtime.stop_when_idle()
        ...     return reply.n
        >>> asyncio.run(main())
        2
    """
