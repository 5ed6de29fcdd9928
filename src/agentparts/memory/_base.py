"""The memory interface: content an agent recalls into its model context."""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from .._cancellation_token import CancellationToken
from .._component import ComponentBase
from .._image import Image

if TYPE_CHECKING:
    from ..model_context import ChatCompletionContext

__all__ = [
    "ContentType",
    "Memory",
    "MemoryContent",
    "MemoryMimeType",
    "MemoryQueryResult",
    "UpdateContextResult",
]


class MemoryMimeType(Enum):
    """The kinds of memory content."""

    TEXT = "text/plain"
    JSON = "application/json"
    MARKDOWN = "text/markdown"
    IMAGE = "image/*"
    BINARY = "application/octet-stream"


ContentType = str | bytes | dict[str, Any] | Image
"""What a memory item can hold."""


class MemoryContent(BaseModel):
    """One item of memory.

    Attributes:
        content: Text, bytes, a JSON-like dict or an image.
        mime_type: A :class:`MemoryMimeType` or any MIME type string.
        metadata: Free-form metadata.
    """

    model_config = ConfigDict(defer_build=True, arbitrary_types_allowed=True)

    content: ContentType
    mime_type: MemoryMimeType | str
    metadata: dict[str, Any] | None = None

    @field_validator("mime_type", mode="before")
    @classmethod
    def _known_mime_type(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return MemoryMimeType(value)
            except ValueError:
                return value
        return value

    @field_serializer("mime_type")
    def _serialize_mime_type(self, mime_type: MemoryMimeType | str) -> str:
        return mime_type.value if isinstance(mime_type, MemoryMimeType) else mime_type


class MemoryQueryResult(BaseModel):
    """What a memory query found."""

    model_config = ConfigDict(defer_build=True)

    results: list[MemoryContent] = Field(default_factory=list[MemoryContent])


class UpdateContextResult(BaseModel):
    """What :meth:`Memory.update_context` added to the model context."""

    model_config = ConfigDict(defer_build=True)

    memories: MemoryQueryResult


class Memory(ABC, ComponentBase[BaseModel]):
    """A store an agent queries before each model call.

    :meth:`update_context` adds what is relevant to the model context and returns it; the
    agent reports it as a ``MemoryQueryEvent``.
    """

    component_type: ClassVar[str] = "memory"

    @abstractmethod
    async def update_context(self, model_context: ChatCompletionContext) -> UpdateContextResult:
        """Add relevant memory to ``model_context`` and return what was added."""

    @abstractmethod
    async def query(
        self,
        query: str | MemoryContent,
        cancellation_token: CancellationToken | None = None,
        **kwargs: Any,
    ) -> MemoryQueryResult:
        """The memory items relevant to ``query``."""

    @abstractmethod
    async def add(
        self, content: MemoryContent, cancellation_token: CancellationToken | None = None
    ) -> None:
        """Store ``content``."""

    @abstractmethod
    async def clear(self) -> None:
        """Forget everything."""

    async def close(self) -> None:
        """Release resources held by the memory."""
