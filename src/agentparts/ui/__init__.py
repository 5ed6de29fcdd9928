"""Showing agent runs to people.

:func:`Console` prints what an agent's ``run_stream`` yields: streamed tokens, tool calls
and their results, and a final summary of token usage and time. It uses rich in a terminal
and plain text otherwise.
"""

from ._console import Console as Console

__all__ = ["Console"]
