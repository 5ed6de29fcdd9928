"""The configs of the conditions that look at what the messages say or who sent them.

Kept apart from the conditions (:mod:`._content`) so that importing a condition does not
build Pydantic models: this module is imported by the first save or load of one.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = [
    "FunctionCallTerminationConfig",
    "HandoffTerminationConfig",
    "SourceMatchTerminationConfig",
    "StopMessageTerminationConfig",
    "TextMentionTerminationConfig",
    "TextMessageTerminationConfig",
]


class StopMessageTerminationConfig(BaseModel):
    """Config of :class:`StopMessageTermination` (empty)."""

    model_config = ConfigDict(defer_build=True)


class TextMentionTerminationConfig(BaseModel):
    """Config of :class:`TextMentionTermination`.

    Attributes:
        text: The text to look for.
        sources: Only messages from these sources count; every source when ``None``.
    """

    model_config = ConfigDict(defer_build=True)
    text: str
    sources: list[str] | None = None


class HandoffTerminationConfig(BaseModel):
    """Config of :class:`HandoffTermination`.

    Attributes:
        target: The handoff target that stops the run.
    """

    model_config = ConfigDict(defer_build=True)
    target: str


class SourceMatchTerminationConfig(BaseModel):
    """Config of :class:`SourceMatchTermination`.

    Attributes:
        sources: The agents whose first message stops the run.
    """

    model_config = ConfigDict(defer_build=True)
    sources: list[str]


class TextMessageTerminationConfig(BaseModel):
    """Config of :class:`TextMessageTermination`.

    Attributes:
        source: Only a text message from this agent stops the run; any when ``None``.
    """

    model_config = ConfigDict(defer_build=True)
    source: str | None = None


class FunctionCallTerminationConfig(BaseModel):
    """Config of :class:`FunctionCallTermination`.

    Attributes:
        function_name: The tool whose execution stops the run.
    """

    model_config = ConfigDict(defer_build=True)
    function_name: str
