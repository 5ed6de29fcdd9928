"""What the in-process runtime keeps per queued message, and what it reports of failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from .._cancellation_token import CancellationToken
from ._ids import AgentId, TopicId

__all__ = ["DeadLetter", "DeadLetterHandler", "Envelope"]


@dataclass(frozen=True)
class DeadLetter:
    """A published message that did not reach (or was not handled by) one recipient.

    Given to the runtime's ``dead_letter_handler``. A direct message never becomes a dead
    letter: its sender gets the error instead.

    Attributes:
        message: The message.
        sender: The agent that published it, or None.
        topic_id: The topic it was published to.
        recipient: The agent it did not reach, or None when the runtime stopped before the
            recipients were known.
        message_id: The message's id.
        reason: ``"handler_failed"``, ``"agent_construction_failed"``, ``"agent_died"`` (Ray),
            ``"intervention_failed"``
            or ``"runtime_stopped"``.
        error: The exception behind it.
    """

    message: Any
    sender: AgentId | None
    topic_id: TopicId
    recipient: AgentId | None
    message_id: str
    reason: Literal[
        "handler_failed",
        "agent_construction_failed",
        "agent_died",
        "intervention_failed",
        "runtime_stopped",
    ]
    error: BaseException


DeadLetterHandler = Callable[[DeadLetter], "Awaitable[None] | None"]
"""Called (sync or async) with each :class:`DeadLetter`."""


class Envelope:
    """A message waiting in the runtime's queue: a publish, or a direct message sent while
    the runtime was not running (``future`` gets its response)."""

    __slots__ = ("future", "message", "message_id", "recipient", "sender", "token", "topic_id")

    def __init__(
        self,
        message: Any,
        sender: AgentId | None,
        token: CancellationToken,
        message_id: str | None,
        *,
        topic_id: TopicId | None = None,
        recipient: AgentId | None = None,
        future: asyncio.Future[Any] | None = None,
    ) -> None:
        self.message = message
        self.sender = sender
        self.token = token
        self.message_id = message_id
        self.topic_id = topic_id
        self.recipient = recipient
        self.future = future
