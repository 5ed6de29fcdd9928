"""The saved form of an ``AzureAIChatCompletionClient``.

Apart from the client so that importing the client does not define a Pydantic model: the
class is imported by the first save or load (``component_config_schema``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from ..._component_model import ComponentModel
from ._defaults import DEFAULT_API_VERSION

__all__ = ["AzureAIClientConfig"]


class AzureAIClientConfig(BaseModel):
    """The saved form of an :class:`AzureAIChatCompletionClient` (see its arguments)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", allow_inf_nan=False)

    endpoint: str
    credential: SecretStr | ComponentModel | None = None
    model_info: dict[str, Any]
    model: str | None = None
    api_version: str = DEFAULT_API_VERSION
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    response_format: Literal["text", "json_object"] | dict[str, Any] | None = None
    stop: list[str] | None = None
    seed: int | None = None
    model_extras: dict[str, Any] | None = None
    timeout: float = 60.0
    stream_idle_timeout: float | None = None
    stream_timeout: float = 600.0
    max_retries: int = 2
    retry_initial_delay: float = 0.5
    retry_max_delay: float = 8.0
    max_connections: int = 100
    default_headers: dict[str, str] | None = None
