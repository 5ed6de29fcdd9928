"""UserInputManager: a user proxy asks only after the console has shown the conversation."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._cancellation_token import CancellationToken

__all__ = ["UserInputManager"]

InputCallback = Callable[[str], str] | Callable[[str, "CancellationToken | None"], Awaitable[str]]


class UserInputManager:
    """Holds a ``UserProxyAgent``'s question until :func:`Console` has printed what came
    before it (AutoGen's ``UserInputManager``).

    Give ``get_wrapped_callback()`` to the user proxy as ``input_func`` and the manager to
    ``Console(..., user_input_manager=manager)``: the console releases each question when
    it shows the matching ``UserInputRequestedEvent``.

    Args:
        callback: The real input function, ``func(prompt)`` (run in a thread) or
            ``async func(prompt, cancellation_token)``.

    Example:
        >>> manager = UserInputManager(input)
        >>> # user = UserProxyAgent("user", input_func=manager.get_wrapped_callback())
        >>> # await Console(team.run_stream(task="..."), user_input_manager=manager)
    """

    def __init__(self, callback: InputCallback) -> None:
        self._callback: Any = callback
        self._released: dict[str, asyncio.Event] = {}

    def _event(self, request_id: str) -> asyncio.Event:
        event = self._released.get(request_id)
        if event is None:
            event = self._released[request_id] = asyncio.Event()
        return event

    def notify_event_received(self, request_id: str) -> None:
        """The console showed the request: let its question through."""
        self._event(request_id).set()

    def get_wrapped_callback(
        self,
    ) -> Callable[[str, CancellationToken | None], Awaitable[str]]:
        """The input function to give the user proxy."""

        async def ask(prompt: str, cancellation_token: CancellationToken | None) -> str:
            from ..agents import UserProxyAgent

            request_id = UserProxyAgent.InputRequestContext.request_id()
            try:
                await self._event(request_id).wait()
            finally:
                self._released.pop(request_id, None)
            if inspect.iscoroutinefunction(self._callback):
                return await self._callback(prompt, cancellation_token)
            return await asyncio.to_thread(self._callback, prompt)

        return ask
