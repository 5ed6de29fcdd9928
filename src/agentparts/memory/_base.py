"""The memory interface: content an agent recalls into its model context."""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from .._component import ComponentBase
from .._image import Image

# The items and results are Pydantic models (in _content), imported on first use: the
# interface loads without Pydantic's model machinery.
if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from .._cancellation_token import CancellationToken
    from ..model_context import ChatCompletionContext
    from ._content import MemoryContent, MemoryQueryResult, UpdateContextResult

__all__ = ["ContentType", "Memory", "MemoryMimeType"]


class MemoryMimeType(Enum):
    """The kinds of memory content."""

    TEXT = "text/plain"
    JSON = "application/json"
    MARKDOWN = "text/markdown"
    IMAGE = "image/*"
    BINARY = "application/octet-stream"


ContentType = str | bytes | dict[str, Any] | Image
"""What a memory item can hold."""


class Memory(ABC, ComponentBase["BaseModel"]):
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
