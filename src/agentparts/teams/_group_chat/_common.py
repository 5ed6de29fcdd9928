"""Saving and loading what every team config shares.

The config models themselves are in :mod:`._config` (imported by the first save or load);
these helpers only read and fill their fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ...base import ChatAgent, Team, TerminationCondition

if TYPE_CHECKING:
    from ..._component_model import ComponentModel
    from ._base_group_chat import BaseGroupChat

__all__ = [
    "CommonConfig",
    "dump_common",
    "load_common",
    "load_participants",
    "load_termination",
]


class CommonConfig(Protocol):
    """The fields every group chat config has besides its participants."""

    @property
    def name(self) -> str | None: ...
    @property
    def description(self) -> str | None: ...
    @property
    def termination_condition(self) -> ComponentModel | None: ...
    @property
    def max_turns(self) -> int | None: ...
    @property
    def emit_team_events(self) -> bool: ...


def dump_common(team: BaseGroupChat) -> dict[str, Any]:
    """The config fields every group chat has (AutoGen's names)."""
    condition = team.termination_condition
    return {
        "name": team.name,
        "description": team.description,
        "participants": [p.dump_component() for p in team.participants],
        "termination_condition": None if condition is None else condition.dump_component(),
        "max_turns": team.max_turns,
        "emit_team_events": team.emit_team_events,
    }


def load_common(config: CommonConfig) -> dict[str, Any]:
    """The keyword arguments of a team's constructor that :func:`dump_common` saved,
    besides the participants (the termination condition loaded)."""
    return {
        "name": config.name,
        "description": config.description,
        "termination_condition": load_termination(config.termination_condition),
        "max_turns": config.max_turns,
        "emit_team_events": config.emit_team_events,
    }


def load_participants(models: list[ComponentModel]) -> list[ChatAgent | Team]:
    """Load each saved participant, an agent or a team.

    Raises:
        ComponentTypeError: a participant is neither an agent nor a team.
    """
    loaded: list[ChatAgent | Team] = []
    for model in models:
        if model.component_type == "team":
            loaded.append(Team.load_component(model))
        else:
            loaded.append(ChatAgent.load_component(model))
    return loaded


def load_termination(model: ComponentModel | None) -> TerminationCondition | None:
    """Load the saved termination condition, if any."""
    return None if model is None else TerminationCondition.load_component(model)
