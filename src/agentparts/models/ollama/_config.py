"""The saved form of an ``OllamaChatCompletionClient``.

Apart from the client so that importing the client does not define a Pydantic model: the
class is imported by the first save or load (``component_config_schema``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .._http._limits import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_STREAM_TIMEOUT,
)
from .._model_info import ModelCapabilities

__all__ = ["OllamaClientConfig"]


class OllamaClientConfig(BaseModel):
    """The saved form of an :class:`OllamaChatCompletionClient` (see its arguments)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", allow_inf_nan=False)

    model: str
    host: str | None = None
    response_format: Any = None
    follow_redirects: bool = True
    timeout: float | None = None
    headers: dict[str, str] | None = None
    model_capabilities: ModelCapabilities | None = None
    model_info: dict[str, Any] | None = None  # a ModelInfo; loose so older configs load
    options: dict[str, Any] | None = None
    keep_alive: str | float | None = None
    think: bool | Literal["low", "medium", "high"] | None = None
    format: str | dict[str, Any] | None = None
    stream_idle_timeout: float | None = None
    stream_timeout: float = DEFAULT_STREAM_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    max_retries: int = 2
    retry_initial_delay: float = 0.5
    retry_max_delay: float = 8.0
    max_connections: int = 100
