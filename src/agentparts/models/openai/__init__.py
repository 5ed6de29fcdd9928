"""A model client for OpenAI and any OpenAI-compatible Chat Completions endpoint.

Built directly on httpx (not the openai SDK, which costs ~350 ms to import and several
times the cost of a plain HTTP request per call). Each name is imported on first use, so
the clients that share this package's wire helpers (Ollama's) do not load the OpenAI and
Azure clients with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._azure import AzureOpenAIChatCompletionClient as AzureOpenAIChatCompletionClient
    from ._azure import AzureOpenAIClientConfig as AzureOpenAIClientConfig
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
    "AzureOpenAIClientConfig": "._azure",
    "BaseOpenAIChatCompletionClient": "._client",
    "BaseOpenAIClientConfigurationConfigModel": "._config",
    "CreateArgumentsConfigModel": "._config",
    "OpenAIChatCompletionClient": "._client",
    "OpenAIClientConfig": "._config",
    "OpenAIClientConfigurationConfigModel": "._config",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY_NAMES.get(name)
    if module_name is None:
        raise AttributeError(f"module 'agentparts.models.openai' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
