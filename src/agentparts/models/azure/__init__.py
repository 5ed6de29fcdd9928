"""A model client for Azure AI model inference endpoints (Azure AI Foundry, GitHub Models).

Built on httpx like the OpenAI client (no ``azure-ai-inference`` SDK needed); Entra ID
tokens need ``azure-identity`` (``pip install 'agentparts[azure]'``). Each name is imported
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._client import AzureAIChatCompletionClient as AzureAIChatCompletionClient
    from ._config import AzureAIClientConfig as AzureAIClientConfig

__all__ = ["AzureAIChatCompletionClient", "AzureAIClientConfig"]

_LAZY_NAMES = {
    "AzureAIChatCompletionClient": "._client",
    "AzureAIClientConfig": "._config",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
