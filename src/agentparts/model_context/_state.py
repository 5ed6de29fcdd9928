"""The saved state of a model context (a Pydantic model, imported by the first save or load)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..models import LLMMessage

__all__ = ["ChatCompletionContextState"]


class ChatCompletionContextState(BaseModel):
    """The saved state of a model context: its messages."""

    model_config = ConfigDict(defer_build=True)

    type: str = "ChatCompletionContextState"
    version: str = "1.0.0"
    messages: list[LLMMessage] = Field(default_factory=list[LLMMessage])
