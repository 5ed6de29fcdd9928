"""Where ``ChatCompletionCache`` keeps answers: in memory or on disk."""

from __future__ import annotations

import json
import os
import tempfile
from abc import ABC, abstractmethod
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Self

from typing_extensions import TypeVar

from ..._component import Component, ComponentBase
from ..._lazy import imported_on_read

if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from ..._capabilities import Capability
    from ._config import DiskStoreConfig, InMemoryStoreConfig

__all__ = ["CacheStore", "DiskStore", "InMemoryStore"]

T = TypeVar("T", default=Any)
_MISSING: Any = object()


class CacheStore(ComponentBase["BaseModel"], ABC, Generic[T]):
    """A key-value store of JSON-ready values, keyed by hex digests.

    ``CacheStore[T]`` types the values, as ``autogen_core.CacheStore[T]`` does.
    """

    component_type: ClassVar[Literal["cache_store"]] = "cache_store"  # pyright: ignore[reportIncompatibleVariableOverride]

    @abstractmethod
    def get(self, key: str, default: T | None = None) -> T | None:
        """The value stored under ``key``, or ``default``."""

    @abstractmethod
    def set(self, key: str, value: T) -> None:
        """Store ``value`` (JSON-ready data) under ``key``."""


class InMemoryStore(CacheStore[T], Component["InMemoryStoreConfig"]):
    """A store in this process's memory, optionally bounded (least recently used go first).

    Args:
        max_entries: Keep at most this many values (None: no limit).
    """

    component_config_schema = imported_on_read(
        "agentparts.models.cache._config", "InMemoryStoreConfig"
    )
    component_provider_override = "agentparts.models.cache.InMemoryStore"

    def __init__(self, max_entries: int | None = None) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, T] = OrderedDict()

    def get(self, key: str, default: T | None = None) -> T | None:
        """The value stored under ``key``, or ``default`` if there is none."""
        value = self._data.get(key, _MISSING)
        if value is _MISSING:
            return default
        self._data.move_to_end(key)
        return value

    def set(self, key: str, value: T) -> None:
        """Store ``value`` under ``key``, dropping the oldest value if full."""
        self._data[key] = value
        self._data.move_to_end(key)
        if self.max_entries is not None:
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def _to_config(self) -> InMemoryStoreConfig:
        from ._config import InMemoryStoreConfig

        return InMemoryStoreConfig(max_entries=self.max_entries)

    @classmethod
    def _from_config(cls, config: InMemoryStoreConfig) -> Self:
        return cls(max_entries=config.max_entries)


class DiskStore(CacheStore[Any], Component["DiskStoreConfig"]):
    """A store of one JSON file per key in a directory; survives restarts.

    Writes are atomic (a temporary file renamed into place), so concurrent processes
    sharing the directory never read half a file.

    Args:
        directory: The directory (created if missing).
    """

    component_config_schema = imported_on_read("agentparts.models.cache._config", "DiskStoreConfig")
    component_provider_override = "agentparts.models.cache.DiskStore"

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"DiskStore keys are lowercase hex digests, got {key!r}.")
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, default: Any | None = None) -> Any | None:
        """The value stored under ``key``, or ``default`` (also for an unreadable file)."""
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return default

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``."""
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(value, file)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _to_config(self) -> DiskStoreConfig:
        from ._config import DiskStoreConfig

        return DiskStoreConfig(directory=str(self.directory))

    @classmethod
    def _from_config(cls, config: DiskStoreConfig) -> Self:
        return cls(config.directory)

    @classmethod
    def _capabilities(cls, config: DiskStoreConfig) -> list[Capability]:
        from ..._capabilities import folder

        return [folder(config.directory, "reads and writes", "model response cache")]
