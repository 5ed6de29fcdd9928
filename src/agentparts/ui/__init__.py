"""Showing agent runs to people.

:func:`Console` prints what an agent's ``run_stream`` yields: streamed tokens, tool calls
and their results, and a final summary of token usage and time. It uses rich in a terminal
and plain text otherwise. For teams it shows who speaks, handoffs and selector decisions,
and counts each speaker's turns; a :class:`UserInputManager` holds a user proxy's question
until the console has shown the conversation before it.
"""

from ._console import Console as Console
from ._user_input import UserInputManager as UserInputManager

__all__ = ["Console", "UserInputManager"]
