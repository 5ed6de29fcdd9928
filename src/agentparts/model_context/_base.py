"""The model context interface: which messages a model sees on each call."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from .._component import ComponentBase

# The messages and the state are Pydantic models: they are imported by the first use that
# needs them, so that defining a context (or an agent that holds one) does not load
# Pydantic's model machinery.
if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from ..models import LLMMessage

__all__ = ["ChatCompletionContext"]


class ChatCompletionContext(ABC, ComponentBase["BaseModel"]):
    """Holds the messages of a conversation and chooses which ones the model sees.

    Subclasses implement :meth:`get_messages` (the view sent to the model); messages are
    stored in full so the state can be saved and the view changed later.

    Args:
        initial_messages: Messages to start with.
    """

    component_type: ClassVar[str] = "model_context"

    def __init__(self, initial_messages: Sequence[LLMMessage] | None = None) -> None:
        self._messages: list[LLMMessage] = list(initial_messages) if initial_messages else []
        self._initial_messages: list[LLMMessage] = list(self._messages)

    async def add_message(self, message: LLMMessage) -> None:
        """Append ``message`` to the conversation."""
        self._messages.append(message)

    @abstractmethod
    async def get_messages(self) -> list[LLMMessage]:
        """The messages to send to the model, oldest first."""

    async def clear(self) -> None:
        """Forget every message."""
        self._messages = []

    async def save_state(self) -> Mapping[str, Any]:
        """The messages as JSON-ready data."""
        from ._state import ChatCompletionContextState

        return ChatCompletionContextState(messages=self._messages).model_dump(mode="json")

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Replace the messages with those of a saved state."""
        from ._state import ChatCompletionContextState

        self._messages = ChatCompletionContextState.model_validate(state).messages


def drop_leading_results(messages: list[LLMMessage]) -> list[LLMMessage]:
    """``messages`` without tool results at the start (their calls were cut off)."""
    from ..models import FunctionExecutionResultMessage

    start = 0
    while start < len(messages) and isinstance(messages[start], FunctionExecutionResultMessage):
        start += 1
    return messages[start:] if start else messages
