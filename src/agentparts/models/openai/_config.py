"""The saved forms of the OpenAI client, in AutoGen's three layers.

``CreateArgumentsConfigModel`` holds the request fields, ``BaseOpenAIClientConfigurationConfigModel``
adds what every OpenAI-style client takes (model, key, limits), and
``OpenAIClientConfigurationConfigModel`` (also named ``OpenAIClientConfig``) adds the
endpoint. Third-party clients that subclass AutoGen's models port by the rename.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from .._http._limits import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_STREAM_TIMEOUT,
    DEFAULT_TIMEOUT,
)
from .._model_info import ModelCapabilities

__all__ = [
    "BaseOpenAIClientConfigurationConfigModel",
    "CreateArgumentsConfigModel",
    "OpenAIClientConfig",
    "OpenAIClientConfigurationConfigModel",
]


class CreateArgumentsConfigModel(BaseModel):
    """Default request fields of an OpenAI-style client (all optional)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", allow_inf_nan=False)

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    stop: str | list[str] | None = None
    seed: int | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    user: str | None = None
    parallel_tool_calls: bool | None = None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    logit_bias: dict[str, int] | None = None
    n: int | None = None
    response_format: dict[str, Any] | None = None
    stream_options: dict[str, Any] | None = None


class BaseOpenAIClientConfigurationConfigModel(CreateArgumentsConfigModel):
    """What every OpenAI-style client is saved with: model, key, limits and message options."""

    model: str
    api_key: SecretStr | None = None
    model_info: dict[str, Any] | None = None  # a ModelInfo; loose so older configs load
    model_capabilities: ModelCapabilities | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    stream_idle_timeout: float | None = None
    stream_timeout: float = DEFAULT_STREAM_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    max_retries: int = 2
    retry_initial_delay: float = 0.5
    retry_max_delay: float = 8.0
    max_connections: int = 100
    default_headers: dict[str, str] | None = None
    include_name_in_message: bool = True
    add_name_prefixes: bool = False
    stream_usage: bool = True


class OpenAIClientConfigurationConfigModel(BaseOpenAIClientConfigurationConfigModel):
    """The saved form of an ``OpenAIChatCompletionClient`` (see its arguments)."""

    base_url: str | None = None
    organization: str | None = None
    project: str | None = None


OpenAIClientConfig = OpenAIClientConfigurationConfigModel
"""agentparts' short name for :class:`OpenAIClientConfigurationConfigModel`."""
