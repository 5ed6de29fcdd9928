"""Results of agent runs: :class:`TaskResult` and :class:`Response`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, SerializeAsAny

from .._cancellation_token import CancellationToken
from ..messages import BaseAgentEvent, BaseChatMessage

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


class TaskRunner(Protocol):
    """Anything that runs a task: an agent or a team."""

    async def run(
        self,
        *,
        task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> TaskResult:
        """Run the task and return every message of the run and the stop reason.

        With no task, a team continues where its last run stopped.
        """
        ...

    def run_stream(
        self,
        *,
        task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | TaskResult, None]:
        """Run the task, yielding each message and event, then the :class:`TaskResult`."""
        ...
