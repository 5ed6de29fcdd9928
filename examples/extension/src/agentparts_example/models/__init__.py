"""Model clients of the example extension."""

from ._http_client import HttpChatCompletionClient as HttpChatCompletionClient
from ._http_client import HttpClientConfig as HttpClientConfig

__all__ = ["HttpChatCompletionClient", "HttpClientConfig"]
