"""A model client for Ollama's native chat API (``/api/chat``), built on httpx.

No ``ollama`` package needed: the client speaks the wire protocol itself, with the same
pools, retries, limits and errors as the other HTTP clients.
"""

from ._client import OllamaChatCompletionClient as OllamaChatCompletionClient
from ._client import OllamaClientConfig as OllamaClientConfig

__all__ = ["OllamaChatCompletionClient", "OllamaClientConfig"]
