"""A scripted model client for tests and demos: no network, deterministic answers."""

from ._replay import ReplayChatCompletionClient as ReplayChatCompletionClient
from ._replay import ReplayChatCompletionClientConfig as ReplayChatCompletionClientConfig

__all__ = ["ReplayChatCompletionClient", "ReplayChatCompletionClientConfig"]
