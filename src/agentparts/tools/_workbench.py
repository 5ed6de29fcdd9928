"""Workbenches: sets of tools an agent lists and calls by name, and their results."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping
from types import TracebackType
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from .._cancellation_token import CancellationToken
from .._component import ComponentBase
from .._image import Image
from ._base import ToolSchema

__all__ = [
    "ImageResultContent",
    "ResultContent",
    "StreamWorkbench",
    "TextResultContent",
    "ToolResult",
    "Workbench",
]


class TextResultContent(BaseModel):
    """Text returned by a tool."""

    model_config = ConfigDict(defer_build=True)

    type: Literal["TextResultContent"] = "TextResultContent"
    content: str


class ImageResultContent(BaseModel):
    """An image returned by a tool."""

    model_config = ConfigDict(defer_build=True)

    type: Literal["ImageResultContent"] = "ImageResultContent"
    content: Image


ResultContent = Annotated[TextResultContent | ImageResultContent, Field(discriminator="type")]
"""One part of a tool result."""


class ToolResult(BaseModel):
    """The result of calling a tool through a workbench.

    Attributes:
        name: The tool that was called.
        result: The parts of the result (text, images).
        is_error: Whether the call failed; the text then says why and what to do.
    """

    model_config = ConfigDict(defer_build=True)

    type: Literal["ToolResult"] = "ToolResult"
    name: str
    result: list[ResultContent]
    is_error: bool = False

    def to_text(self, replace_image: str | None = None) -> str:
        """The result as text; images become ``replace_image`` (default: their data URI)."""
        parts: list[str] = []
        for part in self.result:
            if isinstance(part, TextResultContent):
                parts.append(part.content)
            else:
                parts.append(replace_image if replace_image is not None else part.content.data_uri)
        return "\n".join(parts)


class Workbench(ComponentBase[BaseModel], ABC):
    """A set of tools an agent can list and call by name, with a lifecycle.

    Use it as an async context manager (``async with workbench:``) or call
    :meth:`start` and :meth:`stop`. Failures of a call come back as a
    :class:`ToolResult` with ``is_error=True``, not as exceptions.
    """

    component_type: ClassVar[str] = "workbench"

    @abstractmethod
    async def list_tools(self) -> list[ToolSchema]:
        """The schemas of the available tools."""

    @abstractmethod
    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        """Call the tool ``name`` with ``arguments``.

        Args:
            name: The tool's name, as listed by :meth:`list_tools`.
            arguments: The arguments (default: none).
            cancellation_token: Cancels the call.
            call_id: The id of the model's tool call, for logging.

        Returns:
            The result; ``is_error`` is set for unknown tools, invalid arguments and tools
            that raised, with text that tells the model what went wrong.
        """

    async def start(self) -> None:
        """Acquire resources (start servers...). Idempotent."""

    async def stop(self) -> None:
        """Release resources. Idempotent."""

    async def reset(self) -> None:
        """Return to the initial state."""

    async def save_state(self) -> Mapping[str, Any]:
        """The workbench state as JSON-compatible data."""
        return {}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore a state saved by :meth:`save_state`."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


class StreamWorkbench(Workbench, ABC):
    """A workbench whose tool calls can also stream: progress items, then the result."""

    @abstractmethod
    def call_tool_stream(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> AsyncGenerator[Any, None]:
        """Call the tool ``name``: yield its progress items, then one :class:`ToolResult`.

        Args:
            name: The tool's name, as listed by :meth:`list_tools`.
            arguments: The arguments (default: none).
            cancellation_token: Cancels the call.
            call_id: The id of the model's tool call, for logging.
        """
