"""The config models of the group chats (AutoGen's fields).

Kept apart from the teams so that importing a team does not build Pydantic models: each
team names its model with ``imported_on_read``, and this module is imported by the first
save or load of a team.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..._component_model import ComponentModel
from ._selector_prompt import DEFAULT_SELECTOR_PROMPT

__all__ = [
    "GroupChatConfig",
    "RoundRobinGroupChatConfig",
    "SelectorGroupChatConfig",
    "SwarmConfig",
    "TeamConfig",
]


class TeamConfig(BaseModel):
    """The fields every saved team has first (AutoGen's names)."""

    model_config = ConfigDict(defer_build=True)
    name: str | None = None
    description: str | None = None
    participants: list[ComponentModel]
    termination_condition: ComponentModel | None = None
    max_turns: int | None = None


class GroupChatConfig(TeamConfig):
    """The config of a group chat that takes only the common arguments (AutoGen's fields)."""

    emit_team_events: bool = False


class RoundRobinGroupChatConfig(GroupChatConfig):
    """Config of :class:`RoundRobinGroupChat` (AutoGen's fields)."""


class SwarmConfig(GroupChatConfig):
    """Config of :class:`Swarm` (AutoGen's fields)."""


class SelectorGroupChatConfig(BaseModel):
    """Config of :class:`SelectorGroupChat` (AutoGen's fields, plus the functions and the
    failure policy)."""

    model_config = ConfigDict(defer_build=True)
    name: str | None = None
    description: str | None = None
    participants: list[ComponentModel]
    model_client: ComponentModel
    termination_condition: ComponentModel | None = None
    max_turns: int | None = None
    selector_prompt: str = DEFAULT_SELECTOR_PROMPT
    allow_repeated_speaker: bool = False
    max_selector_attempts: int = 3
    emit_team_events: bool = False
    model_client_streaming: bool = False
    model_context: ComponentModel | None = None
    selector_func: str | None = None
    candidate_func: str | None = None
    on_selector_failure: Literal["fallback", "stop"] = "fallback"
