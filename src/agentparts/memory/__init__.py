"""Memory: content an agent recalls into its model context before each model call.

``ListMemory`` is loaded on first use: the messages import this package for
``MemoryContent``.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._base import ContentType as ContentType
from ._base import Memory as Memory
from ._base import MemoryContent as MemoryContent
from ._base import MemoryMimeType as MemoryMimeType
from ._base import MemoryQueryResult as MemoryQueryResult
from ._base import UpdateContextResult as UpdateContextResult

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in ("ListMemory", "ListMemoryConfig"):
        value = getattr(importlib.import_module("._list_memory", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
