"""SingleThreadedAgentRuntime: every agent in this process, on one asyncio event loop.

How a message travels, and why it is fast:

- A direct message (RPC) sent while the runtime runs is handled in the sender's own task:
  no queue, no task, no future. The sender's cancellation token cancels the handler where
  it waits (a :class:`CancelScope`), and whatever the handler raises reaches the sender.
- A published message goes to the queue only when it must wait (the runtime is not
  running, intervention handlers must see it first, or older messages are still queued);
  otherwise each subscriber's delivery starts at once as a task of its own, in publish order.
- Nothing is serialized, and events are built only when a handler listens.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import types
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from typing import Any, TypeVar, cast

from .._cancellation_token import CancellationToken, CancelScope
from .._ids import new_uuid4
from ..errors import (
    UndeliverableException,
)
from ..logging import (
    DeliveryStage,
    MessageDroppedEvent,
    MessageEvent,
    MessageHandlerExceptionEvent,
    MessageKind,
    emit,
)
from ._agent import Agent
from ._agent_runtime import AgentRuntime
from ._agent_table import AgentTable
from ._context import MessageContext, MessageHandlerContext
from ._envelope import DeadLetter, DeadLetterHandler, Envelope
from ._ids import AgentId, AgentMetadata, AgentType, TopicId
from ._intervention import DropMessage, InterventionChain, InterventionHandler
from ._serialization import JSON_DATA_CONTENT_TYPE, MessageSerializer, SerializationRegistry
from ._subscriptions import Subscription, SubscriptionManager
from ._telemetry import RuntimeTracer

__all__ = ["SingleThreadedAgentRuntime"]

T = TypeVar("T", bound=Agent)

_logger = logging.getLogger("agentparts.runtime")
_events = logging.getLogger("agentparts.events")
_HANDLER_VAR = MessageHandlerContext._VAR  # pyright: ignore[reportPrivateUsage]
_STOPPED, _RUNNING, _STOPPING = 0, 1, 2


@types.coroutine
def _yield_to_loop() -> Generator[None]:
    """Let the event loop run its other ready callbacks once (``asyncio.sleep(0)``'s core)."""
    yield


class SingleThreadedAgentRuntime(AgentRuntime):
    """An in-process runtime: agents created on demand, messages delivered on one event loop.

    Args:
        intervention_handlers: See, change or drop every message, in this order.
        tracer_provider: An OpenTelemetry tracer provider (spans are made when OpenTelemetry
            is loaded; see ``docs/runtime.md``).
        ignore_unhandled_exceptions: When False, the first exception a handler of a
            published message raises stops message processing and is raised by
            ``stop``/``stop_when_idle``/``stop_when``. Direct messages are not concerned:
            their sender always gets the exception.
        dead_letter_handler: Called (sync or async) with a :class:`DeadLetter` for each
            published message a recipient did not handle: its handler raised, its agent
            could not be created, or the runtime stopped first. Each is also reported as an
            event on ``agentparts.events`` (level WARNING).

    Example:
        >>> import asyncio
        >>> from dataclasses import dataclass
        >>> from agentparts import AgentId, MessageContext, RoutedAgent, SingleThreadedAgentRuntime, rpc
        >>> @dataclass
        ... class Ping:
        ...     n: int
        >>> class Echo(RoutedAgent):
        ...     @rpc
        ...     async def on_ping(self, message: Ping, ctx: MessageContext) -> Ping:
        ...         return Ping(message.n + 1)
        >>> async def main() -> int:
        ...     runtime = SingleThreadedAgentRuntime()
        ...     await Echo.register(runtime, "echo", lambda: Echo("adds one"))
        ...     runtime.start()
        ...     reply = await runtime.send_message(Ping(1), AgentId("echo", "default"))
        ...     await runtime.stop_when_idle()
        ...     return reply.n
        >>> asyncio.run(main())
        2
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
        self._table = AgentTable(self)
        self._factories = self._table.factories  # the same dicts: read on every message
        self._agents = self._table.agents
        self._get_agent = self._table.get
        self._subscriptions = SubscriptionManager()
        self._serializers = SerializationRegistry()
        self._queue: deque[Envelope] = deque()
        self._state = _STOPPED
        self._loop_task: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._outstanding = 0  # queued envelopes + deliveries and RPCs in progress
        self._idle_waiters: list[asyncio.Future[None]] = []  # woken when nothing is outstanding
        self._progress_waiters: list[asyncio.Future[None]] = []  # woken when any message is done
        self._background_exception: BaseException | None = None

    # --- registration ---------------------------------------------------------------------

    async def add_subscription(self, subscription: Subscription) -> None:
        """Add a subscription.

        Raises:
            ValueError: An equal subscription exists.
        """
        self._subscriptions.add(subscription)

    async def remove_subscription(self, id: str) -> None:
        """Remove the subscription with this id.

        Raises:
            ValueError: No subscription has this id.
        """
        self._subscriptions.remove(id)

    def add_message_serializer(
        self, serializer: MessageSerializer[Any] | Sequence[MessageSerializer[Any]]
    ) -> None:
        """Register serializers (used here only to write message payloads into events)."""
        self._serializers.add_serializer(serializer)

    # --- agents ---------------------------------------------------------------------------

    async def register_factory(
        self,
        type: str | AgentType,
        agent_factory: Callable[[], T | Awaitable[T]],
        *,
        expected_class: type[T] | None = None,
    ) -> AgentType:
        """Register how to create agents of ``type``; each is created on its first message.

        Args:
            type: The agent type's name.
            agent_factory: Returns an agent (or an awaitable of one); inside it,
                :class:`AgentInstantiationContext` tells the runtime and the agent id.
            expected_class: The class the factory must return (checked at creation).

        Raises:
            ValueError: The type is registered already, or its name is invalid.
            TypeError: The factory takes arguments (other than the deprecated two).
        """
        return await self._table.register_factory(
            type, agent_factory, expected_class=expected_class
        )

    async def register_agent_instance(self, agent_instance: Agent, agent_id: AgentId) -> AgentId:
        """Register an existing agent object under ``agent_id``.

        Raises:
            ValueError: The id is taken, the type has a factory, or the type's other
                instances are of another class.
        """
        return await self._table.register_agent_instance(agent_instance, agent_id)

    async def try_get_underlying_agent_instance(self, id: AgentId, type: type[T] = Agent) -> T:  # type: ignore[assignment]
        """The agent object (created if needed).

        Raises:
            AgentTypeNotFoundError: No such agent type.
            TypeError: The agent is not an instance of ``type``.
        """
        agent = await self._get_agent(id)
        if not isinstance(agent, type):
            raise TypeError(f"Agent {id} is a {agent.__class__.__name__}, not a {type.__name__}.")
        return agent

    async def get(
        self, id_or_type: AgentId | AgentType | str, /, key: str = "default", *, lazy: bool = True
    ) -> AgentId:
        """The id of an agent, created at once when ``lazy`` is False.

        Raises:
            AgentTypeNotFoundError: ``lazy`` is False and the type is not registered.
        """
        if isinstance(id_or_type, AgentId):
            agent_id = id_or_type
        else:
            name = id_or_type if isinstance(id_or_type, str) else id_or_type.type
            agent_id = AgentId(name, key)
        if not lazy:
            await self._get_agent(agent_id)
        return agent_id

    async def agent_metadata(self, agent: AgentId) -> AgentMetadata:
        """An agent's metadata (the agent is created if needed)."""
        return (await self._get_agent(agent)).metadata

    async def agent_save_state(self, agent: AgentId) -> Mapping[str, Any]:
        """One agent's state."""
        return await (await self._get_agent(agent)).save_state()

    async def agent_load_state(self, agent: AgentId, state: Mapping[str, Any]) -> None:
        """Restore one agent's state (the agent is created if needed)."""
        await (await self._get_agent(agent)).load_state(state)

    async def save_state(self) -> Mapping[str, Any]:
        """The state of every agent created so far, keyed by ``str(agent_id)``.

        Subscriptions are not saved: they come back when the agents are registered again.
        """
        return {
            str(agent_id): dict(await agent.save_state())
            for agent_id, agent in list(self._agents.items())
        }

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore agents from :meth:`save_state`, creating them as needed.

        Entries of agent types not registered here are skipped.
        """
        for key, agent_state in state.items():
            agent_id = AgentId.from_str(key)
            if agent_id.type in self._factories:
                await (await self._get_agent(agent_id)).load_state(agent_state)

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
        if _events.isEnabledFor(logging.INFO):
            emit(
                self._message_event(
                    message, sender, recipient, MessageKind.DIRECT, DeliveryStage.SEND
                )
            )
        if self._state == _STOPPED:
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
                if _events.isEnabledFor(logging.INFO):
                    emit(
                        self._message_event(
                            message, sender, recipient, MessageKind.DIRECT, DeliveryStage.DELIVER
                        )
                    )
                if not queued:
                    # One loop iteration, as a queued message would take: a sender that
                    # loops on RPCs must not starve the other tasks (deliveries, I/O).
                    await _yield_to_loop()
                reset = _HANDLER_VAR.set(recipient)
                try:
                    response = await agent.on_message(message, ctx)
                except BaseException as error:
                    if _events.isEnabledFor(logging.INFO):
                        emit(
                            MessageHandlerExceptionEvent(
                                payload=self._payload(message),
                                handling_agent=recipient,
                                exception=error,
                            )
                        )
                    raise
                finally:
                    _HANDLER_VAR.reset(reset)
            finally:
                if scope is not None:
                    scope.close()
            if self._interventions:
                response = await self._interventions.on_response(response, recipient, sender)
            if _events.isEnabledFor(logging.INFO):
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
        if _events.isEnabledFor(logging.INFO):
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
        if self._state == _RUNNING and not self._queue and not self._interventions:
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
            if _events.isEnabledFor(logging.INFO):
                emit(
                    self._message_event(
                        envelope.message,
                        envelope.sender,
                        agent_id,
                        MessageKind.PUBLISH,
                        DeliveryStage.DELIVER,
                    )
                )
            _HANDLER_VAR.set(agent_id)  # this task's own context: no reset needed
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

    # --- the queue ------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._state == _RUNNING and self._background_exception is None:
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

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start delivering messages (queued ones first), in a background task.

        Raises:
            RuntimeError: It is running already.
        """
        if self._state != _STOPPED:
            raise RuntimeError("The runtime is running already: call stop() before start().")
        self._state = _RUNNING
        self._loop_task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop: the messages being handled finish; queued ones are not delivered.

        A queued direct message fails in its sender with ``UndeliverableException``; a
        queued publish is reported (event and dead-letter handler).

        Raises:
            RuntimeError: It is not running.
            BaseException: The exception a handler stored (``ignore_unhandled_exceptions``
                is False).
        """
        if self._state != _RUNNING:
            raise RuntimeError("The runtime is not running: call start() first.")
        self._state = _STOPPING
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)
        try:
            if self._loop_task is not None:
                await self._loop_task
            current = asyncio.current_task()
            while pending := [t for t in self._tasks if t is not current]:
                await asyncio.wait(pending)
        finally:
            self._loop_task = None
            self._wakeup = None
            self._state = _STOPPED
            await self._discard_queue("the runtime stopped before delivering it")
        self._raise_background_exception()

    async def _discard_queue(self, why: str) -> None:
        while self._queue:
            envelope = self._queue.popleft()
            self._outstanding -= 1  # no _finish_one: waiters are woken once, below
            error = UndeliverableException(
                f"Message {type(envelope.message).__name__} was not delivered: {why}. Wait "
                "for it before stopping (stop_when_idle), or send it after start()."
            )
            if envelope.future is not None:
                if not envelope.future.done():
                    envelope.future.set_exception(error)
            else:
                await self._report_failure(envelope, None, "runtime_stopped", error)
        if self._outstanding == 0:
            self._notify_idle()

    async def stop_when_idle(self) -> None:
        """Stop once no message is queued or being handled (the usual way to stop).

        Raises:
            RuntimeError: It is not running.
            BaseException: The exception a handler stored (``ignore_unhandled_exceptions``
                is False).
        """
        if self._state != _RUNNING:
            raise RuntimeError("The runtime is not running: call start() first.")
        while self._outstanding > 0 and self._background_exception is None:
            waiter = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter
        await self.stop()

    async def stop_when(self, condition: Callable[[], bool], check_period: float = 1.0) -> None:
        """Stop once ``condition()`` is true.

        The condition is checked after every handled message and every ``check_period``
        seconds (for conditions that change outside the runtime).

        Raises:
            RuntimeError: It is not running.
        """
        if self._state != _RUNNING:
            raise RuntimeError("The runtime is not running: call start() first.")
        loop = asyncio.get_running_loop()
        while not condition() and self._background_exception is None:
            waiter: asyncio.Future[None] = loop.create_future()
            self._progress_waiters.append(waiter)
            await asyncio.wait([waiter], timeout=check_period)
            if not waiter.done():
                waiter.cancel()
        await self.stop()

    async def close(self) -> None:
        """Stop if running, close every agent, and fail whatever is still queued."""
        try:
            if self._state == _RUNNING:
                await self.stop()
        finally:
            await self._discard_queue("the runtime was closed")
            for agent in list(self._agents.values()):
                await agent.close()

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
