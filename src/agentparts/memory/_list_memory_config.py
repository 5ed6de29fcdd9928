"""The config model of :class:`~agentparts.memory.ListMemory` (imported on its first save
or load, so that the memory class loads without Pydantic's model machinery)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ._content import MemoryContent

__all__ = ["ListMemoryConfig"]


class ListMemoryConfig(BaseModel):
    """Config of :class:`ListMemory`."""

    model_config = ConfigDict(defer_build=True)

    name: str | None = None
    memory_contents: list[MemoryContent] = Field(default_factory=list[MemoryContent])
