"""AutoGen's ``AnthropicBedrockChatCompletionClient`` name: its configs load into a clear
error (agentparts does not sign AWS requests; see docs/models.md)."""

from __future__ import annotations

from typing import Any, NoReturn, Self

from pydantic import BaseModel, ConfigDict

from ..._component import Component
from .._client import ChatCompletionClient

__all__ = ["AnthropicBedrockChatCompletionClient", "AnthropicBedrockClientConfig"]

_WHY = (
    "AnthropicBedrockChatCompletionClient is not available in agentparts: Claude on "
    "Amazon Bedrock needs AWS SigV4 request signing and AWS's binary event-stream format "
    "for streaming, which agentparts does not implement yet (see docs/models.md, "
    "'Anthropic'). Use AnthropicChatCompletionClient with Anthropic's API, or an "
    "OpenAI-compatible Bedrock gateway with OpenAIChatCompletionClient."
)


class AnthropicBedrockClientConfig(BaseModel):
    """AutoGen's Bedrock config, taken as it is (only to say why it cannot run)."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    model: str = ""


class AnthropicBedrockChatCompletionClient(
    ChatCompletionClient, Component[AnthropicBedrockClientConfig]
):
    """Not available: creating or loading one raises an error that says why and what to
    use instead.

    Raises:
        NotImplementedError: Always.
    """

    component_config_schema = AnthropicBedrockClientConfig
    component_provider_override = "agentparts.models.anthropic.AnthropicBedrockChatCompletionClient"

    def __init__(self, **_: Any) -> None:
        _refuse()

    def _to_config(self) -> AnthropicBedrockClientConfig:  # pragma: no cover - never built
        _refuse()

    # Never reached (no instance can be made); here so the class is a complete client.
    async def create(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        """Not available."""
        _refuse()

    def create_stream(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        """Not available."""
        _refuse()

    def count_tokens(self, *args: Any, **kwargs: Any) -> int:  # pragma: no cover
        """Not available."""
        _refuse()

    @classmethod
    def _from_config(cls, config: AnthropicBedrockClientConfig) -> Self:
        _refuse()


def _refuse() -> NoReturn:
    raise NotImplementedError(_WHY)
