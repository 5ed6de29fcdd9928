"""Memory: content an agent recalls into its model context before each model call.

Each name is imported on first use. The :class:`Memory` interface and :class:`ListMemory`
load without Pydantic's model machinery; the items and results (:class:`MemoryContent`...)
are Pydantic models.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._base import ContentType as ContentType
    from ._base import Memory as Memory
    from ._base import MemoryMimeType as MemoryMimeType
    from ._content import MemoryContent as MemoryContent
    from ._content import MemoryQueryResult as MemoryQueryResult
    from ._content import UpdateContextResult as UpdateContextResult
    from ._list_memory import ListMemory as ListMemory
    from ._list_memory_config import ListMemoryConfig as ListMemoryConfig

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

_LAZY_NAMES = {
    "ContentType": "._base",
    "ListMemory": "._list_memory",
    "ListMemoryConfig": "._list_memory_config",
    "Memory": "._base",
    "MemoryContent": "._content",
    "MemoryMimeType": "._base",
    "MemoryQueryResult": "._content",
    "UpdateContextResult": "._content",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
