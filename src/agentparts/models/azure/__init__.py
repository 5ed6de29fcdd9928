"""A model client for Azure AI model inference endpoints (Azure AI Foundry, GitHub Models).

Built on httpx like the OpenAI client (no ``azure-ai-inference`` SDK needed); Entra ID
tokens need ``azure-identity`` (``pip install 'agentparts[azure]'``).
"""

from ._client import AzureAIChatCompletionClient as AzureAIChatCompletionClient
from ._client import AzureAIClientConfig as AzureAIClientConfig

__all__ = ["AzureAIChatCompletionClient", "AzureAIClientConfig"]
