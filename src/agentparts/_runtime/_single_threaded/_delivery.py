"""Delivery: direct messages (RPC) in the sender's task, publishes fanned out to tasks,
and the queue for messages that must wait.
"""

from __future__ import annotations

import asyncio
import logging
import types
from collections.abc import Generator
from typing import Any, cast

from ..._cancellation_token import CancellationToken, CancelScope
from ..._ids import new_uuid4
from ...logging import DeliveryStage, MessageHandlerExceptionEvent, MessageKind, emit
from .._context import MessageContext
from .._envelope import Envelope
from .._ids import AgentId, TopicId
from .._intervention import DropMessage
from ._state import HANDLER_VAR, RUNNING, STOPPED, RuntimeState, events_logger

__all__ = ["Delivery"]


@types.coroutine
def _yield_to_loop() -> Generator[None]:
    """Let the event loop run its other ready callbacks once (``asyncio.sleep(0)``'s core)."""
    yield


class Delivery(RuntimeState):
    """The runtime's sending, delivering and queue-processing methods."""

    # --- sending --------------------------------------------------------------------------

    async def send_message(
        self,
        message: Any,
        recipient: AgentId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> Any:
        """Deliver ``message`` to ``recipient`` and return the response (RPC).

        Sent while the runtime is not running, the message waits in the queue until
        :meth:`start` (or fails with ``UndeliverableException`` when the runtime stops).

        Raises:
            AgentTypeNotFoundError: ``recipient.type`` is not registered.
            CantHandleException: The recipient has no handler for the message.
            MessageDroppedException: An intervention handler dropped the message or reply.
            UndeliverableException: The runtime stopped before delivering a queued message.
            asyncio.CancelledError: ``cancellation_token`` was cancelled.
            Exception: Whatever the handler (or the agent's factory) raised.
        """
        if recipient.type not in self._factories:
            raise self._table.unknown_type(recipient)
        if events_logger.isEnabledFor(logging.INFO):
            emit(
                self._message_event(
                    message, sender, recipient, MessageKind.DIRECT, DeliveryStage.SEND
                )
            )
        if self._state == STOPPED:
            token = cancellation_token or CancellationToken()
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._enqueue(
                Envelope(message, sender, token, message_id, recipient=recipient, future=future)
            )
            token.link_future(future)
            return await future
        with self._tracer.span("send", recipient, message_type=type(message).__name__):
            return await self._deliver_direct(
                message, recipient, sender, cancellation_token, message_id
            )

    async def _deliver_direct(
        self,
        message: Any,
        recipient: AgentId,
        sender: AgentId | None,
        cancellation_token: CancellationToken | None,
        message_id: str | None,
        queued: bool = False,
    ) -> Any:
        self._outstanding += 1
        try:
            token = cancellation_token
            if token is None:  # nobody else holds it: no scope needed to cancel the handler
                token = CancellationToken()
                scope = None
            else:
                scope = CancelScope(token, whole_block=True)
            try:
                ctx = MessageContext(sender, None, True, token, message_id)
                if self._interventions:
                    message = await self._interventions.on_send(message, ctx, recipient)
                agent = self._agents.get(recipient)
                if agent is None:
                    agent = await self._get_agent(recipient)
                if events_logger.isEnabledFor(logging.INFO):
                    emit(
                        self._message_event(
                            message, sender, recipient, MessageKind.DIRECT, DeliveryStage.DELIVER
                        )
                    )
                if not queued:
                    # One loop iteration, as a queued message would take: a sender that
                    # loops on RPCs must not starve the other tasks (deliveries, I/O).
                    await _yield_to_loop()
                reset = HANDLER_VAR.set(recipient)
                try:
                    response = await agent.on_message(message, ctx)
                except BaseException as error:
                    if events_logger.isEnabledFor(logging.INFO):
                        emit(
                            MessageHandlerExceptionEvent(
                                payload=self._payload(message),
                                handling_agent=recipient,
                                exception=error,
                            )
                        )
                    raise
                finally:
                    HANDLER_VAR.reset(reset)
            finally:
                if scope is not None:
                    scope.close()
            if self._interventions:
                response = await self._interventions.on_response(response, recipient, sender)
            if events_logger.isEnabledFor(logging.INFO):
                emit(
                    self._message_event(
                        response, recipient, sender, MessageKind.RESPOND, DeliveryStage.SEND
                    )
                )
            return response
        finally:
            self._finish_one()

    async def publish_message(
        self,
        message: Any,
        topic_id: TopicId,
        *,
        sender: AgentId | None = None,
        cancellation_token: CancellationToken | None = None,
        message_id: str | None = None,
    ) -> None:
        """Deliver ``message`` to every agent subscribed to ``topic_id``, except the sender.

        Returns once the message is queued: delivery happens in the background, each
        subscriber in a task of its own. A subscriber that fails is reported (an event and
        the ``dead_letter_handler``), never silently skipped.
        """
        if events_logger.isEnabledFor(logging.INFO):
            emit(
                self._message_event(
                    message, sender, topic_id, MessageKind.PUBLISH, DeliveryStage.SEND
                )
            )
        envelope = Envelope(
            message,
            sender,
            cancellation_token or CancellationToken(),
            message_id,
            topic_id=topic_id,
        )
        if self._state == RUNNING and not self._queue and not self._interventions:
            with self._tracer.span("publish", topic_id, message_type=type(message).__name__):
                self._fan_out(envelope)
        else:
            self._enqueue(envelope)

    def _enqueue(self, envelope: Envelope) -> None:
        self._queue.append(envelope)
        self._outstanding += 1
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    def _fan_out(self, envelope: Envelope) -> None:
        """Start one delivery task per subscriber of the envelope's topic."""
        topic_id = cast(TopicId, envelope.topic_id)
        if envelope.message_id is None:
            envelope.message_id = new_uuid4()  # every subscriber sees one id
        for agent_id in self._subscriptions.recipients(topic_id):
            if agent_id == envelope.sender:
                continue
            self._outstanding += 1
            task = asyncio.create_task(self._deliver_published(agent_id, envelope))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver_published(self, agent_id: AgentId, envelope: Envelope) -> None:
        try:
            try:
                agent = self._agents.get(agent_id)
                if agent is None:
                    agent = await self._get_agent(agent_id)
            except Exception as error:
                await self._report_failure(envelope, agent_id, "agent_construction_failed", error)
                return
            ctx = MessageContext(
                envelope.sender, envelope.topic_id, False, envelope.token, envelope.message_id
            )
            if events_logger.isEnabledFor(logging.INFO):
                emit(
                    self._message_event(
                        envelope.message,
                        envelope.sender,
                        agent_id,
                        MessageKind.PUBLISH,
                        DeliveryStage.DELIVER,
                    )
                )
            HANDLER_VAR.set(agent_id)  # this task's own context: no reset needed
            try:
                with self._tracer.span(
                    "process", agent_id, message_type=type(envelope.message).__name__
                ):
                    await agent.on_message(envelope.message, ctx)
            except Exception as error:
                await self._report_failure(envelope, agent_id, "handler_failed", error)
            except asyncio.CancelledError as error:
                if not envelope.token.is_cancelled():
                    raise
                await self._report_failure(envelope, agent_id, "handler_failed", error)
        finally:
            self._finish_one()

    # --- the queue ------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._state == RUNNING and self._background_exception is None:
            if not self._queue:
                self._wakeup = loop.create_future()
                await self._wakeup
                continue
            await self._process(self._queue.popleft())

    async def _process(self, envelope: Envelope) -> None:
        try:
            if envelope.future is not None:
                if envelope.future.done():  # cancelled while it waited
                    return
                task = asyncio.create_task(self._deliver_queued_direct(envelope))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                return
            if self._interventions:
                ctx = MessageContext(
                    envelope.sender, envelope.topic_id, False, envelope.token, envelope.message_id
                )
                try:
                    changed = await self._interventions.on_publish(envelope.message, ctx)
                except Exception as error:
                    await self._report_failure(envelope, None, "intervention_failed", error)
                    return
                if changed is DropMessage:
                    return
                envelope.message = changed
            self._fan_out(envelope)
        finally:
            self._finish_one()

    async def _deliver_queued_direct(self, envelope: Envelope) -> None:
        future = cast("asyncio.Future[Any]", envelope.future)
        try:
            response = await self._deliver_direct(
                envelope.message, cast(AgentId, envelope.recipient), envelope.sender,
                envelope.token, envelope.message_id, queued=True,
            )  # fmt: skip
        except BaseException as error:
            if not future.done():
                future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        if not future.done():
            future.set_result(response)

    async def process_next(self) -> None:
        """Process one queued message (for stepping a runtime that is not started).

        Raises:
            BaseException: The exception a handler stored (``ignore_unhandled_exceptions``
                is False).
        """
        self._raise_background_exception()
        if not self._queue:
            await asyncio.sleep(0)
            return
        await self._process(self._queue.popleft())
        await asyncio.sleep(0)

    _process_next = process_next  # AutoGen's tests step a runtime with the private name

    @property
    def unprocessed_messages_count(self) -> int:
        """How many messages wait in the queue."""
        return len(self._queue)
