"""A model client for OpenAI and any OpenAI-compatible Chat Completions endpoint.

Built directly on httpx (not the openai SDK, which costs ~350 ms to import and several
times the cost of a plain HTTP request per call).
"""

from ._azure import AzureOpenAIChatCompletionClient as AzureOpenAIChatCompletionClient
from ._azure import AzureOpenAIClientConfig as AzureOpenAIClientConfig
from ._client import OpenAIChatCompletionClient as OpenAIChatCompletionClient
from ._client import OpenAIClientConfig as OpenAIClientConfig

__all__ = [
    "AzureOpenAIChatCompletionClient",
    "AzureOpenAIClientConfig",
    "OpenAIChatCompletionClient",
    "OpenAIClientConfig",
]
