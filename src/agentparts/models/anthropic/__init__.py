"""Claude through Anthropic's Messages API, on httpx (no ``anthropic`` SDK).

:class:`AnthropicChatCompletionClient` reads its key from ``ANTHROPIC_API_KEY``. AutoGen
configs naming ``autogen_ext.models.anthropic.AnthropicChatCompletionClient`` load as
they are. ``AnthropicBedrockChatCompletionClient`` exists only so AutoGen's Bedrock
configs fail with a clear error. Each name is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._bedrock import (
        AnthropicBedrockChatCompletionClient as AnthropicBedrockChatCompletionClient,
    )
    from ._bedrock import AnthropicBedrockClientConfig as AnthropicBedrockClientConfig
    from ._client import AnthropicChatCompletionClient as AnthropicChatCompletionClient
    from ._config import AnthropicClientConfig as AnthropicClientConfig
    from ._config import ThinkingConfig as ThinkingConfig

__all__ = [
    "AnthropicBedrockChatCompletionClient",
    "AnthropicBedrockClientConfig",
    "AnthropicChatCompletionClient",
    "AnthropicClientConfig",
    "ThinkingConfig",
]

_LAZY_NAMES = {
    "AnthropicBedrockChatCompletionClient": "._bedrock",
    "AnthropicBedrockClientConfig": "._bedrock",
    "AnthropicChatCompletionClient": "._client",
    "AnthropicClientConfig": "._config",
    "ThinkingConfig": "._config",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
