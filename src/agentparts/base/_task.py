"""Results of agent runs: :class:`TaskResult` (and, re-exported, :class:`Response`)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, SerializeAsAny

from ..messages import BaseAgentEvent, BaseChatMessage
from ._runner import Response as Response
from ._runner import TaskRunner as TaskRunner

__all__ = ["Response", "TaskResult", "TaskRunner"]


class TaskResult(BaseModel):
    """The result of running a task.

    Attributes:
        messages: Every message and event of the run, the task included, in order.
        stop_reason: Why the run stopped, when there is something to say (a limit hit,
            a handoff, a termination condition); ``None`` when the agent simply answered.
    """

    model_config = ConfigDict(defer_build=True, arbitrary_types_allowed=True)

    messages: Sequence[SerializeAsAny[BaseAgentEvent | BaseChatMessage]]
    stop_reason: str | None = None
