"""The interface every chat agent implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from .._component import ComponentBase

if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from .._cancellation_token import CancellationToken
    from ..messages import BaseAgentEvent, BaseChatMessage
    from ._runner import Response
    from ._task import TaskResult

__all__ = ["ChatAgent"]


class ChatAgent(ABC, ComponentBase["BaseModel"]):
    """An agent that answers chat messages; it can run a task on its own or in a team.

    Implementations usually derive from :class:`agentparts.agents.BaseChatAgent`, which
    provides :meth:`run` and :meth:`run_stream` on top of :meth:`on_messages_stream`.
    """

    component_type: ClassVar[str] = "agent"

    @property
    @abstractmethod
    def name(self) -> str:
        """The agent's name, unique within a team."""

    @property
    @abstractmethod
    def description(self) -> str:
        """What the agent does, for other agents and people choosing it."""

    @property
    @abstractmethod
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """The chat message types the agent can answer with."""

    @abstractmethod
    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Take new messages and answer them."""

    @abstractmethod
    def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        """Like :meth:`on_messages`, yielding events and messages first, the ``Response`` last."""

    @abstractmethod
    async def run(
        self,
        *,
        task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
        cancellation_token: CancellationToken | None = None,
    ) -> TaskResult:
        """Run a task and return every message of the run."""

    @abstractmethod
    def run_stream(
        self,
        *,
        task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | TaskResult, None]:
        """Run a task, yielding each message and event as it happens, then the result."""

    @abstractmethod
    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Forget the conversation: back to the state right after creation."""

    async def on_pause(self, cancellation_token: CancellationToken) -> None:
        """Called when a team pauses the agent; nothing by default."""

    async def on_resume(self, cancellation_token: CancellationToken) -> None:
        """Called when a team resumes the agent; nothing by default."""

    @abstractmethod
    async def save_state(self) -> Mapping[str, Any]:
        """The agent's state as JSON-ready data."""

    @abstractmethod
    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore a state from :meth:`save_state`."""

    @abstractmethod
    async def close(self) -> None:
        """Release what the agent holds (for example an executor it started)."""
