"""BaseChatAgent: run / run_stream on top of on_messages_stream."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from .._cancellation_token import CancellationToken
from .._component import ComponentBase
from .._construct import construct
from ..base import ChatAgent, Response
from ._logging import log_message
from ._turn_types import TurnTypes

if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from ..base import TaskResult
    from ..messages import BaseAgentEvent, BaseChatMessage

__all__ = ["BaseChatAgent"]

# A string alias, so that this module needs no message class at import time.
Task: TypeAlias = "str | BaseChatMessage | Sequence[BaseChatMessage] | None"


def task_messages(task: Task) -> list[BaseChatMessage]:
    """The task as a list of chat messages (a string becomes a user ``TextMessage``)."""
    if task is None:
        return []
    if isinstance(task, str):
        return [construct(TurnTypes.text_message, content=task, source="user")]
    chat_message = TurnTypes.base_chat_message
    if isinstance(task, chat_message):
        return [task]
    messages = list(cast("Sequence[BaseChatMessage]", task))
    for message in messages:
        if not isinstance(message, chat_message):
            raise TypeError(
                f"A task is a string, a chat message or a list of chat messages; the list "
                f"holds a {type(message).__name__}."
            )
    return messages


class BaseChatAgent(ChatAgent, ABC, ComponentBase["BaseModel"]):
    """Base class of chat agents: implement :meth:`on_messages` (or the stream variant).

    It provides :meth:`run` and :meth:`run_stream`, and a default :meth:`on_messages_stream`
    built on :meth:`on_messages`.

    Args:
        name: The agent's name, a Python identifier.
        description: What the agent does.
    """

    component_type: ClassVar[str] = "agent"

    def __init__(self, name: str, description: str) -> None:
        if not name.isidentifier():
            raise ValueError(
                f"The agent name {name!r} is not a valid Python identifier: use letters, "
                "digits and underscores, not starting with a digit."
            )
        self._name = name
        self._description = description
        self._owns_parts = False

    @property
    def name(self) -> str:
        """The agent's name."""
        return self._name

    @property
    def description(self) -> str:
        """What the agent does."""
        return self._description

    @property
    @abstractmethod
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """The chat message types the agent can answer with."""

    @abstractmethod
    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Take new messages and answer them."""

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        """Answer through :meth:`on_messages`, yielding its inner messages, then the response."""
        response = await self.on_messages(messages, cancellation_token)
        for inner in response.inner_messages or ():
            yield inner
        yield response

    async def run(
        self,
        *,
        task: Task = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> TaskResult:
        """Run a task and return every message of the run.

        Args:
            task: A string (sent as a user ``TextMessage``), a chat message, or several.
            cancellation_token: Cancel it to stop the run at once; the run then raises
                ``asyncio.CancelledError``.
            output_task_messages: Include the task messages in the result.

        Returns:
            The task messages, the agent's events and its answer, and the stop reason.
        """
        token = cancellation_token if cancellation_token is not None else CancellationToken()
        inputs = task_messages(task)
        output: list[BaseAgentEvent | BaseChatMessage] = (
            list(inputs) if output_task_messages else []
        )
        response: Response | None = None
        chunk_event = TurnTypes.chunk_event
        async for item in self.on_messages_stream(inputs, token):
            if isinstance(item, Response):
                response = item
            elif not isinstance(item, chunk_event):
                output.append(item)
        if response is None:
            raise RuntimeError(f"Agent {self._name} ended its turn without a Response.")
        output.append(response.chat_message)
        return construct(TurnTypes.task_result, messages=output, stop_reason=response.stop_reason)

    async def run_stream(
        self,
        *,
        task: Task = None,
        cancellation_token: CancellationToken | None = None,
        output_task_messages: bool = True,
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | TaskResult, None]:
        """Run a task, yielding each message and event as it happens, then the ``TaskResult``.

        Streaming chunks are yielded but left out of the final result's messages.

        Args:
            task: A string (sent as a user ``TextMessage``), a chat message, or several.
            cancellation_token: Cancel it to stop the run at once.
            output_task_messages: Yield and include the task messages.
        """
        token = cancellation_token if cancellation_token is not None else CancellationToken()
        inputs = task_messages(task)
        output: list[BaseAgentEvent | BaseChatMessage] = []
        if output_task_messages:
            for message in inputs:
                output.append(message)
                yield message
        response: Response | None = None
        chunk_event = TurnTypes.chunk_event
        async for item in self.on_messages_stream(inputs, token):
            if isinstance(item, Response):
                response = item
                output.append(item.chat_message)
                yield item.chat_message
            else:
                if not isinstance(item, chunk_event):
                    output.append(item)
                yield item
        if response is None:
            raise RuntimeError(f"Agent {self._name} ended its turn without a Response.")
        yield construct(TurnTypes.task_result, messages=output, stop_reason=response.stop_reason)

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Forget the conversation; nothing to forget by default."""

    async def save_state(self) -> Mapping[str, Any]:
        """An empty state by default."""
        return {"type": "BaseState", "version": "1.0.0"}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Nothing to restore by default."""

    @property
    def owns_parts(self) -> bool:
        """Whether :meth:`close` also releases the agent's parts.

        The parts are its model client, workbenches (MCP servers...) and code executors. An
        agent loaded from a config owns them; one built in code leaves them to the caller
        unless this is set to True.
        """
        return self._owns_parts

    @owns_parts.setter
    def owns_parts(self, owns: bool) -> None:
        self._owns_parts = owns

    async def close(self) -> None:
        """Nothing to release by default."""

    def _log(self, message: BaseAgentEvent | BaseChatMessage) -> None:
        log_message(self._name, message)
