"""Sending and publishing across the cluster, for the driver and for the agent actors alike.

A direct message goes straight to the recipient's actor (its handle is asked of the
directory once, then kept); a published message goes to the directory, which delivers it
to every subscriber. Agents that live in the driver (closures, registered instances) are
reached through the directory too, when the sender is an actor.

Intervention handlers run here, in the sender's process: ``on_send`` and ``on_publish``
before a message leaves, ``on_response`` when its answer comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from ..._cancellation_token import CancellationToken
from ..._runtime._context import MessageContext
from ..._runtime._ids import AgentId, TopicId
from ..._runtime._intervention import DropMessage, InterventionChain
from ..._runtime._serialization import SerializationRegistry
from ...errors import AgentDiedError, UndeliverableException
from ._wire import Wire, WireContext, decode, encode, portable_error

__all__ = ["CANCEL_GRACE_S", "Courier", "raise_result"]

LOCAL = "local"
"""The route of an agent that lives in the driver."""

CANCEL_GRACE_S = 20.0
"""How long a cancelled call waits for its handler to confirm before giving up."""


def _ray() -> Any:
    return importlib.import_module("ray")


def raise_result(result: tuple[str, Any], registry: SerializationRegistry) -> Any:
    """The answer a host returned: the decoded response, or its error raised here."""
    status, payload = result
    if status == "ok":
        return decode(registry, payload)
    if status == "cancelled":
        raise asyncio.CancelledError("The message was cancelled while its handler ran.")
    raise payload


class Courier:
    """Routes messages from one process (the driver or an agent actor) to the cluster.

    Args:
        directory: The directory actor's handle.
        registry: The serializers of this process.
        deliver_here: Delivers to an agent that lives in this process (the driver), or None
            in an actor.
        interventions: The runtime's intervention handlers (this process's copies).
    """

    def __init__(
        self,
        directory: Any,
        registry: SerializationRegistry,
        deliver_here: Callable[[AgentId, Any, WireContext, CancellationToken], Awaitable[Any]]
        | None = None,
        interventions: InterventionChain | None = None,
    ) -> None:
        self.directory = directory
        self.registry = registry
        self._deliver_here = deliver_here
        self._interventions = interventions or InterventionChain((), repr)
        self._routes: dict[AgentId, Any] = {}

    async def route(self, agent_id: AgentId) -> Any:
        """The actor handle of ``agent_id`` (created on first use), or ``LOCAL``.

        Raises:
            AgentTypeNotFoundError: No such agent type.
            Exception: The agent's factory failed.
        """
        handle = self._routes.get(agent_id)
        if handle is None:
            status, handle = await self.directory.route.remote(str(agent_id))
            if status != "ok":
                raise handle
            self._routes[agent_id] = handle
        return handle

    def forget(self, agent_id: AgentId) -> None:
        """Drop a route (its actor died): the next message asks the directory again."""
        self._routes.pop(agent_id, None)

    async def send(
        self,
        message: Any,
        recipient: AgentId,
        sender: AgentId | None,
        token: CancellationToken | None,
        message_id: str | None,
    ) -> Any:
        """Deliver ``message`` to ``recipient`` and return its answer (see AgentRuntime).

        Raises:
            MessageDroppedException: An intervention handler dropped the message or answer.
        """
        token = token or CancellationToken()
        if token.is_cancelled():
            raise asyncio.CancelledError("The cancellation token was cancelled before the call.")
        if not self._interventions:
            return await self._send(message, recipient, sender, token, message_id)
        ctx = MessageContext(sender, None, True, token, message_id)
        message = await self._interventions.on_send(message, ctx, recipient)
        response = await self._send(message, recipient, sender, token, message_id)
        return await self._interventions.on_response(response, recipient, sender)

    async def _send(
        self,
        message: Any,
        recipient: AgentId,
        sender: AgentId | None,
        token: CancellationToken,
        message_id: str | None,
    ) -> Any:
        route = await self.route(recipient)
        context = WireContext.of(sender, None, True, message_id)
        if route == LOCAL and self._deliver_here is not None:
            return await self._deliver_here(recipient, message, context, token)
        wire = encode(self.registry, message)
        if route == LOCAL:
            call = self.directory.deliver_local.remote(str(recipient), wire, context)
            return raise_result(await self._await(call, token), self.registry)
        call = uuid.uuid4().hex
        ref = route.handle.remote(wire, context, None, call)
        try:
            result = await self._await(ref, token, lambda: route.cancel.remote(call))
        except _ray().exceptions.RayActorError:
            self.forget(recipient)
            await self.directory.forget.remote(str(recipient), route)
            raise AgentDiedError(
                f"Agent {recipient} died while it handled a {type(message).__name__} (its actor "
                "process ended). The next message to it creates it again from its last saved "
                "state."
            ) from None
        return raise_result(result, self.registry)

    async def _await(
        self, ref: Any, token: CancellationToken, cancel_call: Callable[[], object] | None = None
    ) -> Any:
        """Await a Ray call; the token (or cancelling this task) cancels it on the cluster.

        ``ray.cancel`` can miss an async actor's task (ray-project/ray#52628), so a host call
        is also cancelled by its id through ``cancel_call``. A cancel that is still
        unanswered after ``CANCEL_GRACE_S`` (lost, or a handler that ignores it) ends the
        wait anyway: the caller gets ``CancelledError``, never a hang.
        """
        ray = _ray()
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = asyncio.wrap_future(ref.future())
        gave_up = False

        def give_up() -> None:
            nonlocal gave_up
            if not answer.done():
                gave_up = True
                answer.cancel()

        def cancel() -> None:
            ray.cancel(ref)
            if cancel_call is not None:
                cancel_call()
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(loop.call_later, CANCEL_GRACE_S, give_up)

        token.add_callback(cancel)
        try:
            return await answer
        except asyncio.CancelledError:
            if gave_up:
                raise asyncio.CancelledError(
                    f"The message was cancelled, but its handler did not stop within "
                    f"{CANCEL_GRACE_S:g} s (it may ignore cancellation); it was left to end "
                    "on its own."
                ) from None
            cancel()
            raise
        except ray.exceptions.TaskCancelledError:
            raise asyncio.CancelledError(
                "The message was cancelled while its handler ran."
            ) from None
        finally:
            token._discard_callback(cancel)  # pyright: ignore[reportPrivateUsage]

    async def publish(
        self,
        message: Any,
        topic_id: TopicId,
        sender: AgentId | None,
        message_id: str | None,
    ) -> None:
        """Hand a published message to the directory, which delivers it to each subscriber.

        A message an intervention handler drops is not sent; one whose handler raises is
        reported as a failed delivery (``intervention_failed``), as in-process.
        """
        context = WireContext.of(sender, topic_id, False, message_id)
        if self._interventions:
            ctx = MessageContext(sender, topic_id, False, CancellationToken(), message_id)
            try:
                changed = await self._interventions.on_publish(message, ctx)
            except Exception as error:
                failure = (encode(self.registry, message), context, None, "intervention_failed")
                await self.directory.add_failure.remote(
                    *failure, portable_error(error, "An intervention handler")
                )
                return
            if changed is DropMessage:
                return
            message = changed
        wire: Wire = encode(self.registry, message)
        accepted: bool = await self.directory.publish.remote(wire, context)
        if not accepted:
            raise UndeliverableException(
                f"The runtime is shutting down: {type(message).__name__} to {topic_id} was not "
                "published."
            )
