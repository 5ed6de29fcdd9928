"""Agent runtimes beyond the in-process one: ``agentparts.runtimes.ray`` (extra ``ray``).

The in-process :class:`~agentparts.SingleThreadedAgentRuntime` is at the root, as in
``autogen_core``.
"""

__all__: list[str] = []
