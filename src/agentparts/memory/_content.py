"""Memory items and query results: the Pydantic models of the memory interface.

Apart from :mod:`._base` so that the interface (and a memory class) loads without Pydantic's
model machinery; these are imported by the first use that needs them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from ._base import ContentType, MemoryMimeType

__all__ = ["MemoryContent", "MemoryQueryResult", "UpdateContextResult"]


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
