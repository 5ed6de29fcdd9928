"""The selector's default prompt (shared by the team and its config model)."""

from __future__ import annotations

__all__ = ["DEFAULT_SELECTOR_PROMPT"]

DEFAULT_SELECTOR_PROMPT = """You are in a role play game. The following roles are available:
{roles}.
Read the following conversation. Then select the next role from {participants} to play. Only return the role.

{history}

Read the above conversation. Then select the next role from {participants} to play. Only return the role.
"""
