"""The config models of the built-in model contexts.

Apart from :mod:`._contexts` so that defining the contexts does not load Pydantic's model
machinery; each context imports its config on its first save or load.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._component_model import ComponentModel
from ..models import LLMMessage

__all__ = [
    "BufferedChatCompletionContextConfig",
    "HeadAndTailChatCompletionContextConfig",
    "TokenLimitedChatCompletionContextConfig",
    "UnboundedChatCompletionContextConfig",
]


class UnboundedChatCompletionContextConfig(BaseModel):
    """Config of :class:`UnboundedChatCompletionContext`."""

    model_config = ConfigDict(defer_build=True)

    initial_messages: list[LLMMessage] | None = None


class BufferedChatCompletionContextConfig(BaseModel):
    """Config of :class:`BufferedChatCompletionContext`."""

    model_config = ConfigDict(defer_build=True)

    buffer_size: int = Field(gt=0)
    initial_messages: list[LLMMessage] | None = None


class HeadAndTailChatCompletionContextConfig(BaseModel):
    """Config of :class:`HeadAndTailChatCompletionContext`."""

    model_config = ConfigDict(defer_build=True)

    head_size: int = Field(gt=0)
    tail_size: int = Field(gt=0)
    initial_messages: list[LLMMessage] | None = None


class TokenLimitedChatCompletionContextConfig(BaseModel):
    """Config of :class:`TokenLimitedChatCompletionContext`."""

    model_config = ConfigDict(defer_build=True)

    model_client: ComponentModel
    token_limit: int | None = None
    tool_schema: list[dict[str, Any]] | None = None
    initial_messages: list[LLMMessage] | None = None
