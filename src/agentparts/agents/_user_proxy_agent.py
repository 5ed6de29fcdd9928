"""UserProxyAgent: a person's turn in a team, through an input function."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Sequence
from contextvars import ContextVar, copy_context
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from .._cancellation_token import CancellationToken, CancelScope
from .._component import Component
from .._construct import construct
from .._ids import new_uuid4
from .._lazy import imported_on_read, lazy_package
from ..base import Response
from ..errors import ComponentConfigError
from ._base_chat_agent import BaseChatAgent

if TYPE_CHECKING:
    from .._capabilities import Capability
    from ..messages import BaseAgentEvent, BaseChatMessage, HandoffMessage
    from ._user_proxy_config import UserProxyAgentConfig

__all__ = ["AsyncInputFunc", "InputFunc", "SyncInputFunc", "UserProxyAgent", "UserProxyAgentConfig"]

# The config is a Pydantic model: imported on first use (see _user_proxy_config).
__getattr__, __dir__ = lazy_package(
    __name__, {"UserProxyAgentConfig": "agentparts.agents._user_proxy_config"}, __all__
)

T = TypeVar("T")

SyncInputFunc = Callable[[str], str]
"""Takes the prompt, returns what the person typed (runs in a thread of its own)."""
AsyncInputFunc = Callable[[str, CancellationToken | None], Awaitable[str]]
"""Takes the prompt and the run's token, returns what the person typed."""
InputFunc = SyncInputFunc | AsyncInputFunc

_request_id: ContextVar[str] = ContextVar("agentparts_user_input_request_id")


def _in_daemon_thread(func: Callable[[], T]) -> asyncio.Future[T]:
    """Run a blocking call (``input()``) in a daemon thread of its own.

    A thread blocked on a terminal cannot be stopped; as a daemon of its own it neither
    holds a shared worker nor keeps the process alive after the run was cancelled.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = copy_context()

    def settle(outcome: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(outcome)

    def work() -> None:
        try:
            value = context.run(func)
        except BaseException as exc:  # handed to the awaiting task
            error = exc

            def fail() -> None:
                if not future.done():
                    future.set_exception(error)

            settle(fail)
        else:

            def succeed() -> None:
                if not future.done():
                    future.set_result(value)

            settle(succeed)

    threading.Thread(target=work, name="agentparts-user-input", daemon=True).start()
    return future


class _ProducedTypes:
    """``(TextMessage, HandoffMessage)``, the message classes imported when first read."""

    def __get__(
        self, instance: object, owner: type | None = None
    ) -> tuple[type[BaseChatMessage], ...]:
        from ..messages import HandoffMessage, TextMessage

        return (TextMessage, HandoffMessage)


class UserProxyAgent(BaseChatAgent, Component["UserProxyAgentConfig"]):
    """Stands for a person: its turn asks the person through ``input_func``.

    Before asking, it emits a :class:`~agentparts.messages.UserInputRequestedEvent`
    (so a console can show whose turn it is). If the last message hands off to this agent,
    the answer is a ``HandoffMessage`` back to the sender; otherwise a ``TextMessage``.

    A team waits while the person thinks: cancel the run's token to stop waiting (an
    async ``input_func`` gets the token; a sync one is abandoned in its thread), or stop
    the team with ``HandoffTermination("user")`` and run it again with the answer.

    Args:
        name: The agent's name.
        description: What it stands for.
        input_func: ``func(prompt) -> str`` (run in a thread) or
            ``async func(prompt, cancellation_token) -> str``. The console by default.

    Example:
        >>> async def answer(prompt, token):
        ...     return "yes"
        >>> user = UserProxyAgent("user", input_func=answer)
    """

    component_config_schema = imported_on_read(
        "agentparts.agents._user_proxy_config", "UserProxyAgentConfig"
    )
    component_provider_override = "agentparts.agents.UserProxyAgent"

    class InputRequestContext:
        """Tells an input function which request it answers (AutoGen's API)."""

        def __init__(self) -> None:
            raise RuntimeError("InputRequestContext is not instantiated: call request_id().")

        @classmethod
        @contextlib.contextmanager
        def populate_context(cls, request_id: str) -> Generator[None]:
            """Make ``request_id`` current inside the block."""
            token = _request_id.set(request_id)
            try:
                yield
            finally:
                _request_id.reset(token)

        @classmethod
        def request_id(cls) -> str:
            """The id of the request being answered (as in the emitted event).

            Raises:
                RuntimeError: called outside an input function.
            """
            try:
                return _request_id.get()
            except LookupError:
                raise RuntimeError(
                    "UserProxyAgent.InputRequestContext.request_id() can only be called "
                    "inside the input function of a UserProxyAgent."
                ) from None

    produced = _ProducedTypes()

    def __init__(
        self,
        name: str,
        *,
        description: str = "A human user",
        input_func: InputFunc | None = None,
    ) -> None:
        super().__init__(name=name, description=description)
        self._input_func = input_func
        func: Any = input_func
        self._is_async = input_func is not None and (
            inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(type(func).__call__)
        )

    @property
    def input_func(self) -> InputFunc | None:
        """The input function (``None``: the console)."""
        return self._input_func

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """``TextMessage`` and ``HandoffMessage``."""
        return self.produced

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Ask the person and answer with what they typed."""
        async for item in self.on_messages_stream(messages, cancellation_token):
            if isinstance(item, Response):
                return item
        raise RuntimeError(f"UserProxyAgent {self.name} ended its turn without a Response.")

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        """Emit a ``UserInputRequestedEvent``, ask, then yield the ``Response``.

        Raises:
            asyncio.CancelledError: the token was cancelled while waiting.
            RuntimeError: the input function failed, or the last message hands off to
                another agent.
        """
        from ..messages import HandoffMessage, TextMessage, UserInputRequestedEvent

        handoff = self._handoff_to_me(messages)
        prompt = (
            f"Handoff received from {handoff.source}. Enter your response: "
            if handoff is not None
            else "Enter your response: "
        )
        request_id = new_uuid4()
        yield construct(UserInputRequestedEvent, request_id=request_id, source=self.name)
        with UserProxyAgent.InputRequestContext.populate_context(request_id):
            answer = await self._ask(prompt, cancellation_token)
        if handoff is not None:
            message: BaseChatMessage = construct(
                HandoffMessage, content=answer, target=handoff.source, source=self.name
            )
        else:
            message = construct(TextMessage, content=answer, source=self.name)
        self._log(message)
        yield Response(chat_message=message)

    def _handoff_to_me(self, messages: Sequence[BaseChatMessage]) -> HandoffMessage | None:
        from ..messages import HandoffMessage

        if not messages or not isinstance(messages[-1], HandoffMessage):
            return None
        last = messages[-1]
        if last.target != self.name:
            raise RuntimeError(
                f"UserProxyAgent {self.name!r} got a handoff meant for {last.target!r} "
                f"(from {last.source!r}): the team routed it to the wrong agent."
            )
        return last

    async def _ask(self, prompt: str, token: CancellationToken) -> str:
        func = self._input_func
        with CancelScope(token) as scope:
            try:
                if func is None:
                    answer: object = await scope.run(_in_daemon_thread(lambda: input(prompt)))
                elif self._is_async:
                    answer = await scope.run(cast(AsyncInputFunc, func)(prompt, token))
                else:
                    sync = cast(SyncInputFunc, func)
                    answer = await scope.run(_in_daemon_thread(lambda: sync(prompt)))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                raise RuntimeError(
                    f"UserProxyAgent {self.name!r}: the input function failed with "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        if not isinstance(answer, str):
            raise RuntimeError(
                f"UserProxyAgent {self.name!r}: the input function returned a "
                f"{type(answer).__name__}, not a str."
            )
        return answer

    def _to_config(self) -> UserProxyAgentConfig:
        from ._references import reference_of

        func = self._input_func
        # The console is the default: builtins.input saves as no function at all.
        reference = None if func in (None, input) else reference_of(func, "input function")
        from ._user_proxy_config import UserProxyAgentConfig

        return UserProxyAgentConfig(
            name=self.name, description=self.description, input_func=reference
        )

    @classmethod
    def _from_config(cls, config: UserProxyAgentConfig) -> Self:
        from ._references import import_reference

        func: InputFunc | None = None
        if config.input_func is not None:
            found: Any = import_reference(config.input_func, "input function")
            if not callable(found):
                raise ComponentConfigError(
                    f"input_func {config.input_func!r} names {found!r}, which is not callable."
                )
            func = cast(InputFunc, found)
        return cls(config.name, description=config.description, input_func=func)

    @classmethod
    def _capabilities(cls, config: UserProxyAgentConfig) -> list[Capability]:
        from .._capabilities import host_code

        func = config.input_func
        return [host_code(func, "input function, in-process")] if func is not None else []
