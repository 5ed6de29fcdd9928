"""The in-process runtime's shared state, its bookkeeping and its failure reports.

The runtime's other parts (registration, delivery, lifecycle) are mixins over this class,
so the hot paths read plain attributes of one object.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from typing import Any, cast

from ..._ids import new_uuid4
from ...logging import (
    DeliveryStage,
    MessageDroppedEvent,
    MessageEvent,
    MessageHandlerExceptionEvent,
    MessageKind,
    emit,
)
from .._agent_runtime import AgentRuntime
from .._agent_table import AgentTable
from .._context import MessageHandlerContext
from .._envelope import DeadLetter, DeadLetterHandler, Envelope
from .._ids import AgentId, TopicId
from .._intervention import InterventionChain, InterventionHandler
from .._serialization import JSON_DATA_CONTENT_TYPE, SerializationRegistry
from .._subscriptions import SubscriptionManager
from .._telemetry import RuntimeTracer

__all__ = ["HANDLER_VAR", "RUNNING", "STOPPED", "STOPPING", "RuntimeState", "events_logger"]

_logger = logging.getLogger("agentparts.runtime")
events_logger = logging.getLogger("agentparts.events")
HANDLER_VAR = MessageHandlerContext._VAR  # pyright: ignore[reportPrivateUsage]
STOPPED, RUNNING, STOPPING = 0, 1, 2


class RuntimeState:
    """What every part of the runtime shares: agents, subscriptions, the queue, counters.

    Args: see :class:`~agentparts.SingleThreadedAgentRuntime`.
    """

    def __init__(
        self,
        *,
        intervention_handlers: list[InterventionHandler] | None = None,
        tracer_provider: Any | None = None,
        ignore_unhandled_exceptions: bool = True,
        dead_letter_handler: DeadLetterHandler | None = None,
    ) -> None:
        self._interventions = InterventionChain(intervention_handlers or (), self._payload)
        self._tracer = RuntimeTracer(type(self).__name__, tracer_provider)
        self._ignore_unhandled = ignore_unhandled_exceptions
        self._dead_letter_handler = dead_letter_handler
        self._table = AgentTable(cast(AgentRuntime, self))  # the whole runtime
        self._factories = self._table.factories  # the same dicts: read on every message
        self._agents = self._table.agents
        self._get_agent = self._table.get
        self._subscriptions = SubscriptionManager()
        self._serializers = SerializationRegistry()
        self._queue: deque[Envelope] = deque()
        self._state: int = STOPPED
        self._loop_task: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._outstanding: int = 0  # queued envelopes + deliveries and RPCs in progress
        self._idle_waiters: list[asyncio.Future[None]] = []  # woken when nothing is outstanding
        self._progress_waiters: list[asyncio.Future[None]] = []  # woken when any message is done
        self._background_exception: BaseException | None = None

    # --- failed deliveries ----------------------------------------------------------------

    async def _report_failure(
        self,
        envelope: Envelope,
        recipient: AgentId | None,
        reason: Any,
        error: BaseException,
    ) -> None:
        payload = self._payload(envelope.message)
        if reason == "runtime_stopped":
            emit(MessageDroppedEvent(
                payload=payload, sender=envelope.sender, receiver=envelope.topic_id,
                kind=MessageKind.PUBLISH, reason="runtime_stopped",
            ), logging.WARNING)  # fmt: skip
        else:
            emit(MessageHandlerExceptionEvent(
                payload=payload, handling_agent=recipient, exception=error,
                topic_id=str(envelope.topic_id), reason=reason,
            ), logging.WARNING)  # fmt: skip
            if not self._ignore_unhandled and self._background_exception is None:
                self._background_exception = error
                self._notify_idle()
        if self._dead_letter_handler is None:
            return
        letter = DeadLetter(
            message=envelope.message,
            sender=envelope.sender,
            topic_id=cast(TopicId, envelope.topic_id),
            recipient=recipient,
            message_id=envelope.message_id or new_uuid4(),
            reason=reason,
            error=error,
        )
        try:
            result = self._dead_letter_handler(letter)
            if inspect.isawaitable(result):
                await result
        except Exception:
            _logger.exception("The dead-letter handler raised on a letter for %s", recipient)

    # --- bookkeeping ----------------------------------------------------------------------

    def _finish_one(self) -> None:
        """One queued message, delivery or RPC is over: wake whoever waits for that."""
        self._outstanding -= 1
        if self._progress_waiters:
            self._wake(self._progress_waiters)
            self._progress_waiters = []
        if self._outstanding == 0 and self._idle_waiters:
            self._notify_idle()

    def _notify_idle(self) -> None:
        waiters, self._idle_waiters = self._idle_waiters, []
        self._wake(waiters)
        waiters, self._progress_waiters = self._progress_waiters, []
        self._wake(waiters)

    @staticmethod
    def _wake(waiters: list[asyncio.Future[None]]) -> None:
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _raise_background_exception(self) -> None:
        error = self._background_exception
        if error is not None:
            self._background_exception = None
            raise error

    # --- events ---------------------------------------------------------------------------

    def _payload(self, message: Any) -> str:
        try:
            name = self._serializers.type_name(message)
            return self._serializers.serialize(
                message, type_name=name, data_content_type=JSON_DATA_CONTENT_TYPE
            ).decode()
        except Exception:
            return repr(message)

    def _message_event(
        self,
        message: Any,
        sender: AgentId | None,
        receiver: AgentId | TopicId | None,
        kind: MessageKind,
        stage: DeliveryStage,
    ) -> MessageEvent:
        return MessageEvent(
            payload=self._payload(message),
            sender=sender,
            receiver=receiver,
            kind=kind,
            delivery_stage=stage,
        )
