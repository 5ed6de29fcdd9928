"""A model client for OpenAI and any OpenAI-compatible Chat Completions endpoint.

Built directly on httpx (not the openai SDK, which costs ~350 ms to import and several
times the cost of a plain HTTP request per call).
"""

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
