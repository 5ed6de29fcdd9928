"""RoundRobinGroupChat: participants speak in turn, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

from ..._component import Component
from ..._lazy import imported_on_read
from ._common import dump_common, load_common, load_participants
from ._manager import GroupChatManager
from ._plain import PlainGroupChat

if TYPE_CHECKING:
    from ...state import BaseGroupChatManagerState
    from ._config import RoundRobinGroupChatConfig
    from ._types import Item

__all__ = ["RoundRobinGroupChat"]


class _RoundRobinManager(GroupChatManager):
    state_class = "RoundRobinManagerState"  # imported by the first save or load
    next_index = 0

    async def select_speaker(self, thread: Sequence[Item]) -> str:
        name = self.participant_names[self.next_index]
        self.next_index = (self.next_index + 1) % len(self.participant_names)
        return name

    async def reset_selection(self) -> None:
        self.next_index = 0

    def state_fields(self) -> dict[str, Any]:
        return {"next_speaker_index": self.next_index}

    def load_state_fields(self, state: BaseGroupChatManagerState) -> None:
        from ...state import RoundRobinManagerState

        index = state.next_speaker_index if isinstance(state, RoundRobinManagerState) else 0
        if not 0 <= index < len(self.participant_names):
            raise ValueError(
                f"The saved next_speaker_index {index} does not fit a team of "
                f"{len(self.participant_names)} participants."
            )
        self.next_index = index


class RoundRobinGroupChat(PlainGroupChat, Component["RoundRobinGroupChatConfig"]):
    """A team whose participants speak in turn, in the order given; everyone sees every
    answer.

    A participant can be an agent or a team (its run's chat messages are its answer).
    Without a termination condition and without ``max_turns``, a run goes on until its
    token is cancelled.

    Args:
        participants: Agents or teams with unique names.
        name: The team's name (``"RoundRobinGroupChat"`` by default).
        description: What the team does.
        termination_condition: When a run stops.
        max_turns: Turns per run.
        runtime: Where participants run; ``None``: in the team's own task.
        custom_message_types: Your message classes, for loading saved states.
        emit_team_events: Yield a ``SelectSpeakerEvent`` before each turn.

    Example:
        >>> from agentparts.agents import AssistantAgent
        >>> from agentparts.conditions import MaxMessageTermination
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> writer = AssistantAgent("writer", ReplayChatCompletionClient(["A haiku."]))
        >>> critic = AssistantAgent("critic", ReplayChatCompletionClient(["APPROVE"]))
        >>> team = RoundRobinGroupChat([writer, critic], termination_condition=MaxMessageTermination(3))
        >>> import asyncio
        >>> asyncio.run(team.run(task="Write a haiku.")).stop_reason
        'Maximum number of messages 3 reached, current message count: 3'
    """

    component_config_schema = imported_on_read(
        "agentparts.teams._group_chat._config", "RoundRobinGroupChatConfig"
    )
    component_provider_override = "agentparts.teams.RoundRobinGroupChat"
    DEFAULT_NAME = "RoundRobinGroupChat"
    MANAGER_NAME = "RoundRobinGroupChatManager"
    MANAGER_CLASS = _RoundRobinManager

    def _to_config(self) -> RoundRobinGroupChatConfig:
        from ._config import RoundRobinGroupChatConfig

        return RoundRobinGroupChatConfig(**dump_common(self))

    @classmethod
    def _from_config(cls, config: RoundRobinGroupChatConfig) -> Self:
        return cls(load_participants(config.participants), **load_common(config))
