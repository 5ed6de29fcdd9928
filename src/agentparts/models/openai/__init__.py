"""A model client for OpenAI and any OpenAI-compatible Chat Completions endpoint.

Built directly on httpx (not the openai SDK, which costs ~350 ms to import and several
times the cost of a plain HTTP request per call). Each name is imported on first use, so
the clients that share this package's wire helpers (Ollama's) do not load the OpenAI and
Azure clients with them, and importing a client does not load its config model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._azure import AzureOpenAIChatCompletionClient as AzureOpenAIChatCompletionClient
    from ._azure_config import AzureOpenAIClientConfig as AzureOpenAIClientConfig
    from ._client import BaseOpenAIChatCompletionClient as BaseOpenAIChatCompletionClient
    from ._client import OpenAIChatCompletionClient as OpenAIChatCompletionClient
    from ._config import (
        BaseOpenAIClientConfigurationConfigModel as BaseOpenAIClientConfigurationConfigModel,
    )
    from ._config import CreateArgumentsConfigModel as CreateArgumentsConfigModel
    from ._config import OpenAIClientConfig as OpenAIClientConfig
    from ._config import (
        OpenAIClientConfigurationConfigModel as OpenAIClientConfigurationConfigModel,
    )

__all__ = [
    "AzureOpenAIChatCompletionClient",
    "AzureOpenAIClientConfig",
    "BaseOpenAIChatCompletionClient",
    "BaseOpenAIClientConfigurationConfigModel",
    "CreateArgumentsConfigModel",
    "OpenAIChatCompletionClient",
    "OpenAIClientConfig",
    "OpenAIClientConfigurationConfigModel",
]

_LAZY_NAMES = {
    "AzureOpenAIChatCompletionClient": "._azure",
    "AzureOpenAIClientConfig": "._azure_config",
    "BaseOpenAIChatCompletionClient": "._client",
    "BaseOpenAIClientConfigurationConfigModel": "._config",
    "CreateArgumentsConfigModel": "._config",
    "OpenAIChatCompletionClient": "._client",
    "OpenAIClientConfig": "._config",
    "OpenAIClientConfigurationConfigModel": "._config",
}


__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
