"""A caching wrapper for model clients, with in-memory and on-disk stores.

Each name is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._cache import ChatCompletionCache as ChatCompletionCache
    from ._config import ChatCompletionCacheConfig as ChatCompletionCacheConfig
    from ._config import DiskStoreConfig as DiskStoreConfig
    from ._config import InMemoryStoreConfig as InMemoryStoreConfig
    from ._stores import CacheStore as CacheStore
    from ._stores import DiskStore as DiskStore
    from ._stores import InMemoryStore as InMemoryStore

__all__ = [
    "CacheStore",
    "ChatCompletionCache",
    "ChatCompletionCacheConfig",
    "DiskStore",
    "DiskStoreConfig",
    "InMemoryStore",
    "InMemoryStoreConfig",
]

_LAZY_NAMES = {
    "CacheStore": "._stores",
    "ChatCompletionCache": "._cache",
    "ChatCompletionCacheConfig": "._config",
    "DiskStore": "._stores",
    "DiskStoreConfig": "._config",
    "InMemoryStore": "._stores",
    "InMemoryStoreConfig": "._config",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
