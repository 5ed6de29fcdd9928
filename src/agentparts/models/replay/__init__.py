"""A scripted model client for tests and demos: no network, deterministic answers.

Each name is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._config import ReplayChatCompletionClientConfig as ReplayChatCompletionClientConfig
    from ._replay import ReplayChatCompletionClient as ReplayChatCompletionClient

__all__ = ["ReplayChatCompletionClient", "ReplayChatCompletionClientConfig"]

_LAZY_NAMES = {
    "ReplayChatCompletionClient": "._replay",
    "ReplayChatCompletionClientConfig": "._config",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
