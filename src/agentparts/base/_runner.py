"""What an agent's turn returns (:class:`Response`) and what runs a task (:class:`TaskRunner`).

Kept apart from :class:`~agentparts.base.TaskResult` (a Pydantic model, in ``_task``): the
interfaces of agents and teams only name these, so importing them does not load Pydantic's
model machinery.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import agentparts

if TYPE_CHECKING:
    import agentparts.messages

    from .._cancellation_token import CancellationToken
    from ..messages import BaseAgentEvent, BaseChatMessage
    from ._task import TaskResult

__all__ = ["Response", "TaskRunner"]


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

    # The message classes are named through the package (imported by now: there is no
    # Response without a message), so that typing.get_type_hints and a Pydantic model
    # with a Response field resolve them without this module importing the messages.
    chat_message: agentparts.messages.BaseChatMessage
    inner_messages: (
        Sequence[agentparts.messages.BaseAgentEvent | agentparts.messages.BaseChatMessage] | None
    ) = None
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
