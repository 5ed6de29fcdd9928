"""Results of agent runs: :class:`TaskResult` and :class:`Response`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, SerializeAsAny

from ..messages import BaseAgentEvent, BaseChatMessage

__all__ = ["Response", "TaskResult"]


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


@dataclass(kw_only=True)
class Response:
    """An agent's answer to ``on_messages``.

    Attributes:
        chat_message: The answer.
        inner_messages: The events and messages the agent produced on the way (tool calls,
            chunks, thoughts...), or ``None``.
        stop_reason: Why the agent stopped, when it did not simply answer (for example
            ``max_tool_iterations`` was reached, or it handed off); copied into
            :attr:`TaskResult.stop_reason`.
    """

    chat_message: BaseChatMessage
    inner_messages: Sequence[BaseAgentEvent | BaseChatMessage] | None = None
    stop_reason: str | None = None
