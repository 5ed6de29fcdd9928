"""The interface every team implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from .._component import ComponentBase

if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from .._cancellation_token import CancellationToken
    from ..messages import BaseAgentEvent, BaseChatMessage
    from ._task import TaskResult

__all__ = ["Team"]


class Team(ABC, ComponentBase["BaseModel"]):
    """Several agents that run a task together (see :mod:`agentparts.teams`).

    A team is a :class:`TaskRunner`: it has :meth:`run` and :meth:`run_stream`, and a run
    without a task continues where the last one stopped.
    """

    component_type: ClassVar[str] = "team"

    @property
    @abstractmethod
    def name(self) -> str:
        """The team's name, unique among the participants of a team of teams."""

    @property
    @abstractmethod
    def description(self) -> str:
        """What the team does, for an outer team choosing it."""

    @abstractmethod
    async def run(
        self,
        *,
        task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> TaskResult:
        """Run a task (or continue) and return the messages of the run and the stop reason."""

    @abstractmethod
    def run_stream(
        self,
        *,
        task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | TaskResult, None]:
        """Like :meth:`run`, yielding each message and event, then the result."""

    @abstractmethod
    async def reset(self) -> None:
        """Forget the conversation: the team and every participant start over."""

    @abstractmethod
    async def pause(self) -> None:
        """Pause the run in progress (the participants are told through ``on_pause``)."""

    @abstractmethod
    async def resume(self) -> None:
        """Resume a paused run."""

    @abstractmethod
    async def save_state(self) -> Mapping[str, Any]:
        """The team's state (conversation and participants) as JSON-ready data."""

    @abstractmethod
    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore a state from :meth:`save_state`."""

    async def close(self) -> None:
        """Release what the team holds (its participants' parts, when it owns them).

        Nothing by default.
        """
