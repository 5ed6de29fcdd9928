"""Swarm: the speaker hands the conversation to another with a HandoffMessage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from ..._component import Component
from ..._lazy import imported_on_read
from ...base import ChatAgent, Team
from ._common import dump_common, load_common, load_participants
from ._manager import GroupChatManager
from ._plain import PlainGroupChat

if TYPE_CHECKING:
    from ...messages import BaseChatMessage, HandoffMessage
    from ...state import BaseGroupChatManagerState
    from ._config import SwarmConfig
    from ._types import Item

__all__ = ["Swarm"]


class _SwarmManager(GroupChatManager):
    state_class = "SwarmManagerState"  # imported by the first save or load
    # Read on every turn: imported on first read (cheaper than a local import per call).
    handoff_message: ClassVar[type[HandoffMessage]] = imported_on_read(
        "agentparts.messages", "HandoffMessage"
    )
    current_speaker = ""
    handoffs_seen = 0

    async def validate_group_state(self, messages: Sequence[BaseChatMessage] | None) -> None:
        handoff = self.last_handoff(messages or ()) or self.last_handoff(self.message_thread)
        if handoff is not None and handoff.target not in self.participant_names:
            raise ValueError(
                f"The handoff to {handoff.target!r} names no participant "
                f"({', '.join(self.participant_names)}). To continue the swarm, run it with a "
                "HandoffMessage to one of them as the task."
            )

    async def select_speaker(self, thread: Sequence[Item]) -> list[str]:
        if not self.current_speaker:
            self.current_speaker = self.participant_names[0]
        handoff = self.last_handoff(thread)
        if handoff is not None:
            if handoff.target not in self.participant_names:
                self.stop_reason = (
                    f"{handoff.source} handed off to {handoff.target!r}, which is not a "
                    f"participant ({', '.join(self.participant_names)})."
                )
                return []
            self.current_speaker = handoff.target
        return [self.current_speaker]

    def last_handoff(self, messages: Sequence[Item]) -> HandoffMessage | None:
        for message in reversed(messages):
            if isinstance(message, self.handoff_message):
                return message
        return None

    async def reset_selection(self) -> None:
        self.current_speaker = self.participant_names[0]

    def state_fields(self) -> dict[str, Any]:
        return {"current_speaker": self.current_speaker or self.participant_names[0]}

    def load_state_fields(self, state: BaseGroupChatManagerState) -> None:
        from ...state import SwarmManagerState

        speaker = state.current_speaker if isinstance(state, SwarmManagerState) else ""
        self.current_speaker = speaker if speaker in self.participant_names else ""


class Swarm(PlainGroupChat, Component["SwarmConfig"]):
    """A team where the speaker keeps the floor until it hands off with a ``HandoffMessage``.

    The first participant speaks first; it must be able to hand off (an
    ``AssistantAgent`` with ``handoffs=[...]``). All participants share one conversation. A
    handoff to a name that is no participant ends the run with a stop reason that says so
    (use ``HandoffTermination("user")`` to stop on purpose and ask a person, then run the
    team again with a ``HandoffMessage`` back to an agent as the task).

    Args:
        participants: Agents or teams with unique names; the first starts.
        name: The team's name (``"Swarm"`` by default).
        description: What the team does.
        termination_condition: When a run stops.
        max_turns: Turns per run.
        runtime: Where participants run; ``None``: in the team's own task.
        custom_message_types: Your message classes, for loading saved states.
        emit_team_events: Yield a ``SelectSpeakerEvent`` before each turn.

    Raises:
        ValueError: the first participant cannot produce a ``HandoffMessage``.
    """

    component_config_schema = imported_on_read(
        "agentparts.teams._group_chat._config", "SwarmConfig"
    )
    component_provider_override = "agentparts.teams.Swarm"
    DEFAULT_NAME = "Swarm"
    MANAGER_NAME = "SwarmGroupChatManager"
    MANAGER_CLASS = _SwarmManager

    def _check_participants(self, participants: Sequence[ChatAgent | Team]) -> None:
        from ...messages import HandoffMessage

        first = participants[0]
        if isinstance(first, ChatAgent) and HandoffMessage not in first.produced_message_types:
            raise ValueError(
                f"The first participant of a Swarm ({first.name!r}) must be able to hand off: "
                "give it handoffs=[...] (its HandoffMessage picks the next speaker)."
            )

    def _to_config(self) -> SwarmConfig:
        from ._config import SwarmConfig

        return SwarmConfig(**dump_common(self))

    @classmethod
    def _from_config(cls, config: SwarmConfig) -> Self:
        return cls(load_participants(config.participants), **load_common(config))
