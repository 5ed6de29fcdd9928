"""PlainGroupChat: the constructor of a group chat that takes only the common arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ...base import ChatAgent, Team, TerminationCondition
from ._base_group_chat import BaseGroupChat
from ._manager import GroupChatManager

if TYPE_CHECKING:
    from ...messages import BaseAgentEvent, BaseChatMessage

__all__ = ["PlainGroupChat"]


class PlainGroupChat(BaseGroupChat):
    """A group chat whose only arguments are the ones every group chat has.

    A subclass names its manager and the manager's class (``MANAGER_NAME``,
    ``MANAGER_CLASS``) and may check its participants further
    (:meth:`_check_participants`). The arguments are :class:`BaseGroupChat`'s.
    """

    MANAGER_NAME: ClassVar[str]
    MANAGER_CLASS: ClassVar[type[GroupChatManager]]

    def __init__(
        self,
        participants: Sequence[ChatAgent | Team],
        *,
        name: str | None = None,
        description: str | None = None,
        termination_condition: TerminationCondition | None = None,
        max_turns: int | None = None,
        runtime: Any = None,
        custom_message_types: Sequence[type[BaseAgentEvent | BaseChatMessage]] | None = None,
        emit_team_events: bool = False,
    ) -> None:
        super().__init__(
            name=name,
            description=description,
            participants=participants,
            manager_name=self.MANAGER_NAME,
            manager_factory=self.MANAGER_CLASS,
            termination_condition=termination_condition,
            max_turns=max_turns,
            runtime=runtime,
            custom_message_types=custom_message_types,
            emit_team_events=emit_team_events,
        )
        self._check_participants(participants)

    def _check_participants(self, participants: Sequence[ChatAgent | Team]) -> None:
        """Raise ``ValueError`` if the team cannot work with ``participants`` (after the
        checks every group chat makes). Default: nothing more to check."""
