"""``FileSearchTool``: the guide's ``MyTool`` with its search written.

It searches the text files under one folder for lines that contain every word of the
query, case-insensitively, and never reads outside that folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, Field

from agentparts import CancellationToken, Component
from agentparts.errors import ToolError
from agentparts.tools import BaseTool

__all__ = ["FileSearchArgs", "FileSearchConfig", "FileSearchResult", "FileSearchTool"]


class FileSearchArgs(BaseModel):
    """Arguments of :class:`FileSearchTool`."""

    query: str = Field(min_length=1, description="Words to search for (all must appear in a line)")
    max_results: int = Field(default=10, ge=1, le=100, description="Maximum results to return")


class FileSearchResult(BaseModel):
    """What :class:`FileSearchTool` found."""

    results: list[dict[str, Any]]
    count: int


class FileSearchConfig(BaseModel):
    """Configuration of :class:`FileSearchTool`."""

    root_dir: str
    pattern: str = "**/*.txt"
    timeout: float = Field(default=30.0, gt=0, le=300)
    max_file_bytes: int = Field(default=1_000_000, gt=0)


class FileSearchTool(BaseTool[FileSearchArgs, FileSearchResult], Component[FileSearchConfig]):
    """Search the text files of a folder for lines containing every word of a query.

    Args:
        root_dir: The folder to search; nothing outside it is read.
        pattern: Which files to search, as a glob relative to ``root_dir``.
        timeout: Seconds a search may take.
        max_file_bytes: Larger files are skipped.

    Example:
        >>> tool = FileSearchTool(root_dir=".")
        >>> tool.schema["name"]
        'file_search'
    """

    component_config_schema = FileSearchConfig
    component_provider_override = "agentparts_example.tools.FileSearchTool"

    def __init__(
        self,
        root_dir: str | Path,
        pattern: str = "**/*.txt",
        timeout: float = 30.0,
        max_file_bytes: int = 1_000_000,
    ) -> None:
        super().__init__(
            FileSearchArgs,
            FileSearchResult,
            "file_search",
            "Search the text files of a folder for lines containing every word of a query. "
            "Returns the matching lines with their file and line number.",
        )
        self._root_dir = Path(root_dir)
        self._pattern = pattern
        self._timeout = timeout
        self._max_file_bytes = max_file_bytes

    async def run(
        self, args: FileSearchArgs, cancellation_token: CancellationToken
    ) -> FileSearchResult:
        """Execute the search."""
        if not self._root_dir.is_dir():
            raise ToolError(
                f"The search folder {self._root_dir} does not exist. Set root_dir to an "
                "existing folder."
            )
        search = asyncio.ensure_future(
            asyncio.to_thread(self._search, args.query, args.max_results, cancellation_token)
        )
        cancellation_token.link_future(search)
        try:
            results = await asyncio.wait_for(search, self._timeout)
        except TimeoutError:
            raise ToolError(
                f"The search took longer than {self._timeout:g} s. Search a smaller folder or "
                "a narrower pattern, or raise the timeout."
            ) from None
        return FileSearchResult(results=results, count=len(results))

    def _search(
        self, query: str, max_results: int, token: CancellationToken
    ) -> list[dict[str, Any]]:
        words = query.lower().split()
        root = self._root_dir.resolve()
        found: list[dict[str, Any]] = []
        for path in sorted(root.glob(self._pattern)):
            if token.is_cancelled() or len(found) >= max_results:
                break
            resolved = path.resolve()
            if not resolved.is_file() or not resolved.is_relative_to(root):
                continue  # a symlink out of the folder
            if resolved.stat().st_size > self._max_file_bytes:
                continue
            text = resolved.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), start=1):
                lowered = line.lower()
                if all(word in lowered for word in words):
                    relative = path.relative_to(root).as_posix()
                    found.append({"path": relative, "line": number, "text": line.strip()})
                    if len(found) >= max_results:
                        break
        return found

    def _to_config(self) -> FileSearchConfig:
        return FileSearchConfig(
            root_dir=str(self._root_dir),
            pattern=self._pattern,
            timeout=self._timeout,
            max_file_bytes=self._max_file_bytes,
        )

    @classmethod
    def _from_config(cls, config: FileSearchConfig) -> Self:
        return cls(
            root_dir=config.root_dir,
            pattern=config.pattern,
            timeout=config.timeout,
            max_file_bytes=config.max_file_bytes,
        )
