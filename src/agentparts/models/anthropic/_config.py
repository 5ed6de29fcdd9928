"""The saved form of an Anthropic client: AutoGen's fields, and agentparts' limits."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from .._http._limits import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_STREAM_TIMEOUT,
)
from .._model_info import ModelCapabilities

__all__ = ["AnthropicClientConfig", "ThinkingConfig"]


class ThinkingConfig(BaseModel):
    """Extended thinking: ``{"type": "enabled", "budget_tokens": 2048}``."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    type: Literal["enabled", "disabled"]
    budget_tokens: int | None = None


class AnthropicClientConfig(BaseModel):
    """The saved form of an :class:`AnthropicChatCompletionClient` (see its arguments).

    AutoGen's ``AnthropicClientConfiguration`` fields load as they are.
    """

    model_config = ConfigDict(defer_build=True, extra="forbid", allow_inf_nan=False)

    model: str
    api_key: SecretStr | None = None
    base_url: str | None = None
    model_info: dict[str, Any] | None = None  # a ModelInfo; loose so older configs load
    model_capabilities: ModelCapabilities | None = None
    timeout: float | None = None
    stream_idle_timeout: float | None = None
    stream_timeout: float = DEFAULT_STREAM_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    max_retries: int | None = None
    retry_initial_delay: float = 0.5
    retry_max_delay: float = 8.0
    max_connections: int = 100
    default_headers: dict[str, str] | None = None
    anthropic_version: str = "2023-06-01"
    tools: list[dict[str, Any]] | None = None
    tool_choice: Literal["auto", "any", "none"] | dict[str, Any] | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    stop_sequences: list[str] | None = None
    response_format: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    thinking: ThinkingConfig | None = None
