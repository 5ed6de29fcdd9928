"""The message and event base classes agents exchange."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from .._construct import construct
from .._ids import new_uuid4
from ..models import RequestUsage, UserMessage

__all__ = ["BaseAgentEvent", "BaseChatMessage", "BaseMessage", "BaseTextChatMessage"]


def _new_id() -> str:
    return new_uuid4()


def _now() -> datetime:
    return datetime.now(UTC)


class BaseMessage(BaseModel, ABC):
    """Base of every message and event: text rendering and a JSON-ready saved form."""

    model_config = ConfigDict(defer_build=True, arbitrary_types_allowed=True)

    @abstractmethod
    def to_text(self) -> str:
        """The message as text for people (consoles, logs)."""

    def dump(self) -> Mapping[str, Any]:
        """The message as JSON-ready data, with its ``type``; :meth:`load` reads it back."""
        return self.model_dump(mode="json")

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Self:
        """Create the message from what :meth:`dump` returned."""
        return cls.model_validate(data)


class BaseChatMessage(BaseMessage, ABC):
    """A message between agents: it can be turned into a model message.

    Attributes:
        id: Unique id of the message.
        source: The name of the agent (or ``user``) that sent it.
        models_usage: Token usage of the model call that produced it, if any.
        metadata: Free-form string metadata.
        created_at: When the message was created (UTC).
    """

    id: str = Field(default_factory=_new_id)
    source: str
    models_usage: RequestUsage | None = None
    metadata: dict[str, str] = Field(default_factory=dict[str, str])
    created_at: datetime = Field(default_factory=_now)

    @abstractmethod
    def to_model_text(self) -> str:
        """The message as text for a model (images become placeholders)."""

    @abstractmethod
    def to_model_message(self) -> UserMessage:
        """The message as a model :class:`~agentparts.models.UserMessage`."""


class BaseTextChatMessage(BaseChatMessage, ABC):
    """A chat message whose content is one string."""

    content: str

    def to_text(self) -> str:
        """The content."""
        return self.content

    def to_model_text(self) -> str:
        """The content."""
        return self.content

    def to_model_message(self) -> UserMessage:
        """The content as a user message from ``source``."""
        return construct(UserMessage, content=self.content, source=self.source)


class BaseAgentEvent(BaseMessage, ABC):
    """Something that happened inside an agent (a tool call, a chunk...), for observers.

    Events are not sent to other agents' models.

    Attributes:
        id: Unique id of the event.
        source: The name of the agent it comes from.
        models_usage: Token usage of the model call behind it, if any.
        metadata: Free-form string metadata.
        created_at: When the event was created (UTC).
    """

    id: str = Field(default_factory=_new_id)
    source: str
    models_usage: RequestUsage | None = None
    metadata: dict[str, str] = Field(default_factory=dict[str, str])
    created_at: datetime = Field(default_factory=_now)
