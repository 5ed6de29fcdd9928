"""``SearchTool``: full-text search over a folder of text and Markdown files, as a tool."""

from __future__ import annotations

import asyncio
import os
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability, folder
from ..._component import Component
from .._base import BaseTool
from ._index import DEFAULT_GLOBS, SearchIndex

__all__ = ["SearchArgs", "SearchResult", "SearchResultItem", "SearchTool", "SearchToolConfig"]


class SearchArgs(BaseModel):
    """Arguments of :class:`SearchTool`."""

    model_config = ConfigDict(defer_build=True)

    query: str = Field(description="Words to look for; put exact phrases in double quotes.")
    max_results: int = Field(default=5, ge=1, le=20, description="How many documents to return.")


class SearchResultItem(BaseModel):
    """One matching document."""

    model_config = ConfigDict(defer_build=True)

    path: str
    title: str
    score: float
    snippet: str


class SearchResult(BaseModel):
    """What :class:`SearchTool` returns."""

    model_config = ConfigDict(defer_build=True)

    query: str
    results: list[SearchResultItem]


class SearchToolConfig(BaseModel):
    """The saved form of a :class:`SearchTool`."""

    model_config = ConfigDict(defer_build=True)

    root: str
    globs: list[str] = Field(default_factory=lambda: list(DEFAULT_GLOBS))
    index_path: str | None = None
    name: str = "search_documents"
    description: str | None = None


class SearchTool(BaseTool[SearchArgs, SearchResult], Component[SearchToolConfig]):
    """Full-text search (SQLite FTS5, BM25 ranking, snippets) over a folder of files.

    Before each search the index picks up new, changed (size or modification time) and
    deleted files, so answers follow the folder. Queries are plain words and "quoted
    phrases"; FTS operators and punctuation are matched as text, never interpreted.

    Args:
        root: The folder to search.
        globs: Which files, as patterns relative to ``root`` (default: ``.txt`` and ``.md``).
        index_path: A SQLite file that keeps the index between runs (default: in memory,
            built on first use).
        name: The tool name.
        description: What the model is told (default: mentions the folder's name).

    Example:
        >>> tool = SearchTool("docs")
        >>> tool.schema["parameters"]["required"]
        ['query']
    """

    component_config_schema = SearchToolConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.search.SearchTool"

    def __init__(
        self,
        root: str | os.PathLike[str],
        globs: list[str] | None = None,
        index_path: str | os.PathLike[str] | None = None,
        name: str = "search_documents",
        description: str | None = None,
    ) -> None:
        self._root = os.fspath(root)
        self._globs = list(globs) if globs is not None else list(DEFAULT_GLOBS)
        self._index_path = os.fspath(index_path) if index_path is not None else None
        self._custom_description = description
        folder = os.path.basename(os.path.normpath(self._root)) or self._root
        super().__init__(
            SearchArgs,
            SearchResult,
            name,
            description
            or (
                f"Search the documents in the folder {folder!r} by words or quoted phrases. "
                "Returns the best-matching files with a relevant passage of each."
            ),
        )
        self._index: SearchIndex | None = None

    @property
    def index(self) -> SearchIndex:
        """The underlying index (created on first use)."""
        if self._index is None:
            self._index = SearchIndex(self._root, self._globs, self._index_path)
        return self._index

    async def run(self, args: SearchArgs, cancellation_token: CancellationToken) -> SearchResult:
        """Update the index, then search it.

        Raises:
            ToolError: the folder is missing or unreadable, or the index unusable.
        """
        index = self.index
        task = asyncio.ensure_future(
            asyncio.to_thread(_search, index, args.query, args.max_results)
        )
        cancellation_token.link_future(task)
        return await task

    def return_value_as_string(self, value: object) -> str:
        """A numbered list of matches, readable by a model."""
        if not isinstance(value, SearchResult):
            return super().return_value_as_string(value)
        if not value.results:
            return f"No documents match {value.query!r}. Try other or fewer words."
        lines: list[str] = []
        for number, item in enumerate(value.results, 1):
            title = f" - {item.title}" if item.title else ""
            lines.append(f"{number}. {item.path}{title} (score {item.score:.3g})")
            lines.append(f"   {item.snippet}")
        return "\n".join(lines)

    def close(self) -> None:
        """Close the index database."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def _to_config(self) -> SearchToolConfig:
        return SearchToolConfig(
            root=self._root,
            globs=self._globs,
            index_path=self._index_path,
            name=self.name,
            description=self._custom_description,
        )

    @classmethod
    def _from_config(cls, config: SearchToolConfig) -> Self:
        return cls(config.root, config.globs, config.index_path, config.name, config.description)

    @classmethod
    def _capabilities(cls, config: SearchToolConfig) -> list[Capability]:
        found = [folder(config.root, "reads", f"documents the tool {config.name!r} searches")]
        if config.index_path:
            found.append(folder(config.index_path, "reads and writes", "search index"))
        return found


def _search(index: SearchIndex, query: str, max_results: int) -> SearchResult:
    index.update()
    hits = index.search(query, max_results)
    return SearchResult(
        query=query,
        results=[
            SearchResultItem(path=h.path, title=h.title, score=h.score, snippet=h.snippet)
            for h in hits
        ],
    )
