"""A model client for Ollama's native chat API (``/api/chat``), built on httpx.

No ``ollama`` package needed: the client speaks the wire protocol itself, with the same
pools, retries, limits and errors as the other HTTP clients. Each name is imported on first
use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._client import OllamaChatCompletionClient as OllamaChatCompletionClient
    from ._config import OllamaClientConfig as OllamaClientConfig

__all__ = ["OllamaChatCompletionClient", "OllamaClientConfig"]

_LAZY_NAMES = {
    "OllamaChatCompletionClient": "._client",
    "OllamaClientConfig": "._config",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
