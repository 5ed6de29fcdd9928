"""The group chat manager: the conversation, the turn count, and who speaks next."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from ...base._termination import load_condition_state, save_condition_state

if TYPE_CHECKING:
    from ...base import TerminationCondition
    from ...messages import BaseChatMessage, MessageFactory, StopMessage
    from ...state import BaseGroupChatManagerState
    from ._participant import Participant
    from ._types import Item

__all__ = ["RESET_PARTICIPANTS", "GroupChatManager", "ResetParticipants"]


class ResetParticipants:
    """The outbox entry that resets every participant (one instance: RESET_PARTICIPANTS)."""


RESET_PARTICIPANTS = ResetParticipants()


class GroupChatManager(ABC):
    """Keeps a team's conversation and picks the next speakers; one subclass per team type.

    The team's run loop asks :meth:`select_speaker` before each turn and passes each
    turn's messages to :meth:`apply_termination`.

    Args:
        name: The manager's name: the source of its stop messages and events, and its
            key in the team's saved state.
        participants: The team's participants, in order.
        termination_condition: When a run stops, besides ``max_turns``.
        max_turns: Turns per run; ``None`` for no limit.
        message_factory: Recreates saved messages (custom types registered).
    """

    state_class: ClassVar[type[BaseGroupChatManagerState] | str] = "BaseGroupChatManagerState"
    """The saved-state model: a class, or the name of one in ``agentparts.state`` (imported
    by the first save or load, so that importing a team does not build every state model)."""

    def __init__(
        self,
        name: str,
        participants: Sequence[Participant],
        termination_condition: TerminationCondition | None,
        max_turns: int | None,
        message_factory: MessageFactory,
    ) -> None:
        self.name = name
        self.participants = list(participants)
        self.participant_names = [p.name for p in participants]
        self.termination_condition = termination_condition
        self.max_turns = max_turns
        self.message_factory = message_factory
        self.message_thread: list[Item] = []
        self.current_turn = 0
        self.outbox: list[Item | ResetParticipants] = []
        """What the selection produced, handled in order before the turn: events are
        yielded; chat messages (already in the thread) are yielded and delivered to every
        participant; :data:`RESET_PARTICIPANTS` resets every participant."""
        self.stop_reason: str | None = None
        """Why :meth:`select_speaker` chose nobody (the run then stops with it)."""
        self.pending_speakers: list[str] = []
        """Who was chosen for the turn in progress (saved, so a resumed run gives them the
        turn without choosing again); empty between turns."""

    async def validate_group_state(self, messages: Sequence[BaseChatMessage] | None) -> None:
        """Check the team can start (or continue) with these task messages.

        Raises:
            ValueError: it cannot; the message says why.
        """

    @abstractmethod
    async def select_speaker(self, thread: Sequence[Item]) -> list[str] | str:
        """The names of who speaks next (several speak concurrently).

        To end the run, return ``[]`` and set :attr:`stop_reason`.
        """

    async def end_run(self) -> None:
        """A run stopped without a termination condition: reset it and the turn count."""
        if self.termination_condition is not None:
            await self.termination_condition.reset()
        self.current_turn = 0

    async def update_message_thread(self, messages: Sequence[Item]) -> None:
        """Add a turn's messages (or the task) to the conversation."""
        self.message_thread.extend(messages)

    async def apply_termination(
        self, delta: Sequence[Item], *, increment_turn: bool
    ) -> StopMessage | None:
        """Check the termination condition and ``max_turns`` after a turn (or the task).

        On a stop the condition is reset and the turn count starts over, so the next run
        starts fresh while the conversation continues.
        """
        condition = self.termination_condition
        if condition is not None:
            stop = await condition(delta)
            if stop is not None:
                await condition.reset()
                self.current_turn = 0
                return stop
        if increment_turn:
            self.current_turn += 1
        if self.max_turns is not None and self.current_turn >= self.max_turns:
            from ..._construct import construct
            from ...messages import StopMessage

            if condition is not None:
                await condition.reset()
            self.current_turn = 0
            return construct(
                StopMessage,
                content=f"Maximum number of turns {self.max_turns} reached.",
                source=self.name,
            )
        return None

    async def reset(self) -> None:
        """Forget the conversation and start the speaker order over."""
        self.message_thread.clear()
        self.pending_speakers = []
        self.current_turn = 0
        if self.termination_condition is not None:
            await self.termination_condition.reset()
        await self.reset_selection()

    async def reset_selection(self) -> None:
        """Start the speaker order over (nothing to do by default)."""

    def state_fields(self) -> dict[str, Any]:
        """The subclass's own saved fields (beyond the conversation and turn count)."""
        return {}

    def load_state_fields(self, state: BaseGroupChatManagerState) -> None:
        """Restore the subclass's own fields from a validated state."""

    def _state_model(self) -> type[BaseGroupChatManagerState]:
        model = self.state_class
        if isinstance(model, str):
            from ... import state

            model = cast("type[BaseGroupChatManagerState]", getattr(state, model))
        return model

    async def save_state(self) -> Mapping[str, Any]:
        """The manager's state: conversation, turn count and the subclass's fields."""
        condition = self.termination_condition
        return self._state_model()(
            message_thread=[dict(m.dump()) for m in self.message_thread],
            current_turn=self.current_turn,
            termination_state=None if condition is None else await save_condition_state(condition),
            pending_speakers=list(self.pending_speakers),
            **self.state_fields(),
        ).model_dump()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`save_state` returned.

        The termination condition continues its count when the state was saved with a
        condition of the same class; otherwise (or from an AutoGen state) it is left as is.
        """
        saved = self._state_model().model_validate(state)
        self.message_thread = [self.message_factory.create(m) for m in saved.message_thread]
        self.current_turn = saved.current_turn
        known = set(self.participant_names)
        pending = saved.pending_speakers
        self.pending_speakers = list(pending) if known.issuperset(pending) else []
        if self.termination_condition is not None and saved.termination_state is not None:
            await load_condition_state(self.termination_condition, saved.termination_state)
        self.load_state_fields(saved)
