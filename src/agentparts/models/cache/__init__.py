"""A caching wrapper for model clients, with in-memory and on-disk stores."""

from ._cache import ChatCompletionCache as ChatCompletionCache
from ._cache import ChatCompletionCacheConfig as ChatCompletionCacheConfig
from ._stores import CacheStore as CacheStore
from ._stores import DiskStore as DiskStore
from ._stores import DiskStoreConfig as DiskStoreConfig
from ._stores import InMemoryStore as InMemoryStore
from ._stores import InMemoryStoreConfig as InMemoryStoreConfig

__all__ = [
    "CacheStore",
    "ChatCompletionCache",
    "ChatCompletionCacheConfig",
    "DiskStore",
    "DiskStoreConfig",
    "InMemoryStore",
    "InMemoryStoreConfig",
]
