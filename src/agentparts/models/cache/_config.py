"""The saved forms of ``ChatCompletionCache`` and its stores.

Apart from the classes so that importing them does not define a Pydantic model: each config
is imported by the first save or load of its class (``component_config_schema``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..._component_model import ComponentModel

__all__ = ["ChatCompletionCacheConfig", "DiskStoreConfig", "InMemoryStoreConfig"]


class ChatCompletionCacheConfig(BaseModel):
    """The saved form of a :class:`ChatCompletionCache`."""

    model_config = ConfigDict(defer_build=True)

    chat_completion_client: ComponentModel
    store: ComponentModel | None = None


class InMemoryStoreConfig(BaseModel):
    """The saved form of an :class:`InMemoryStore` (its contents are not saved)."""

    model_config = ConfigDict(defer_build=True)

    max_entries: int | None = None


class DiskStoreConfig(BaseModel):
    """The saved form of a :class:`DiskStore`."""

    model_config = ConfigDict(defer_build=True)

    directory: str
