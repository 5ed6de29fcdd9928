"""Memory: content an agent recalls into its model context before each model call."""

from ._base import ContentType as ContentType
from ._base import Memory as Memory
from ._base import MemoryContent as MemoryContent
from ._base import MemoryMimeType as MemoryMimeType
from ._base import MemoryQueryResult as MemoryQueryResult
from ._base import UpdateContextResult as UpdateContextResult
from ._list_memory import ListMemory as ListMemory
from ._list_memory import ListMemoryConfig as ListMemoryConfig

__all__ = [
    "ContentType",
    "ListMemory",
    "ListMemoryConfig",
    "Memory",
    "MemoryContent",
    "MemoryMimeType",
    "MemoryQueryResult",
    "UpdateContextResult",
]
