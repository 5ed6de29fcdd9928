"""The saved form of a ``ReplayChatCompletionClient``.

Apart from the client so that importing the client does not define a Pydantic model: the
class is imported by the first save or load (``component_config_schema``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .._model_info import ModelInfo
from .._types import CreateResult

__all__ = ["ReplayChatCompletionClientConfig"]


class ReplayChatCompletionClientConfig(BaseModel):
    """The saved form of a :class:`ReplayChatCompletionClient`."""

    model_config = ConfigDict(defer_build=True)

    chat_completions: list[str | CreateResult]
    model_info: ModelInfo | None = None
