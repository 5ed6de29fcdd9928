"""A memory that recalls every item, in the order they were added."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

from .._component import Component
from .._lazy import imported_on_read
from ._base import Memory

# The config, items and results are Pydantic models, imported on first use.
if TYPE_CHECKING:
    from .._cancellation_token import CancellationToken
    from ..model_context import ChatCompletionContext
    from ._content import MemoryContent, MemoryQueryResult, UpdateContextResult
    from ._list_memory_config import ListMemoryConfig

__all__ = ["ListMemory"]


class ListMemory(Memory, Component["ListMemoryConfig"]):
    """A list of memory items; every item is recalled on every model call.

    Each call adds one system message listing the items to the model context.

    Args:
        name: A name for this memory.
        memory_contents: Items to start with.

    Example:
        >>> import asyncio
        >>> from agentparts.memory import MemoryContent, MemoryMimeType
        >>> memory = ListMemory()
        >>> asyncio.run(memory.add(MemoryContent(content="Units: metric", mime_type=MemoryMimeType.TEXT)))
        >>> [m.content for m in memory.content]
        ['Units: metric']
    """

    component_config_schema = imported_on_read(
        "agentparts.memory._list_memory_config", "ListMemoryConfig"
    )
    component_provider_override = "agentparts.memory.ListMemory"

    def __init__(
        self, name: str | None = None, memory_contents: Sequence[MemoryContent] | None = None
    ) -> None:
        self._name = name or "default_list_memory"
        self._contents: list[MemoryContent] = list(memory_contents) if memory_contents else []

    @property
    def name(self) -> str:
        """The memory's name."""
        return self._name

    @property
    def content(self) -> list[MemoryContent]:
        """The stored items, oldest first."""
        return self._contents

    @content.setter
    def content(self, value: list[MemoryContent]) -> None:
        self._contents = list(value)

    async def update_context(self, model_context: ChatCompletionContext) -> UpdateContextResult:
        """Add one system message listing every item (nothing if empty)."""
        from ..models import SystemMessage
        from ._content import MemoryQueryResult, UpdateContextResult

        if not self._contents:
            return UpdateContextResult(memories=MemoryQueryResult(results=[]))

        lines = "\n".join(f"{i}. {item.content}" for i, item in enumerate(self._contents, 1))
        text = f"\nRelevant memory content (in chronological order):\n{lines}\n"
        await model_context.add_message(SystemMessage(content=text))
        return UpdateContextResult(memories=MemoryQueryResult(results=list(self._contents)))

    async def query(
        self,
        query: str | MemoryContent = "",
        cancellation_token: CancellationToken | None = None,
        **kwargs: Any,
    ) -> MemoryQueryResult:
        """Every item (a list memory does not rank)."""
        from ._content import MemoryQueryResult

        return MemoryQueryResult(results=list(self._contents))

    async def add(
        self, content: MemoryContent, cancellation_token: CancellationToken | None = None
    ) -> None:
        """Append ``content``."""
        self._contents.append(content)

    async def clear(self) -> None:
        """Forget every item."""
        self._contents = []

    def _to_config(self) -> ListMemoryConfig:
        return self.component_config_schema(name=self._name, memory_contents=list(self._contents))

    @classmethod
    def _from_config(cls, config: ListMemoryConfig) -> Self:
        return cls(name=config.name, memory_contents=config.memory_contents)
