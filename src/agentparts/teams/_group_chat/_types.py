"""Types the group chat modules share (for type checkers only).

``Item`` names message classes, which are Pydantic models: built at run time, the alias
would import them with every team. Modules import it under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from ...messages import BaseAgentEvent, BaseChatMessage

    Item: TypeAlias = BaseAgentEvent | BaseChatMessage
    """A message or event of a run."""

__all__ = ["Item"]
