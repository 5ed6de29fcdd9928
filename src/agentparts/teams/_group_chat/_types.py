"""Types the group chat modules share."""

from __future__ import annotations

from ...messages import BaseAgentEvent, BaseChatMessage

__all__ = ["Item"]

Item = BaseAgentEvent | BaseChatMessage
"""A message or event of a run."""
