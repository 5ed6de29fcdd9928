"""The config model of MagenticOneGroupChat (AutoGen's fields).

Kept apart from the team so that importing it does not build Pydantic models: this module
is imported by the first save or load of the team.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..._component_model import ComponentModel
from ._prompts import FINAL_ANSWER_PROMPT

__all__ = ["MagenticOneGroupChatConfig"]


class MagenticOneGroupChatConfig(BaseModel):
    """Config of :class:`MagenticOneGroupChat` (AutoGen's fields)."""

    model_config = ConfigDict(defer_build=True)
    name: str | None = None
    description: str | None = None
    participants: list[ComponentModel]
    model_client: ComponentModel
    termination_condition: ComponentModel | None = None
    max_turns: int | None = 20
    max_stalls: int = 3
    final_answer_prompt: str = FINAL_ANSWER_PROMPT
    emit_team_events: bool = False
