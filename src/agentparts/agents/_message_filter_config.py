"""What a MessageFilterAgent lets through, and its saved form.

A module of its own, imported on first use of these names (or the first load, save or
config of the agent): defining a Pydantic model loads Pydantic's model machinery, which
importing the agent need not.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .._component_model import ComponentModel

__all__ = ["MessageFilterAgentConfig", "MessageFilterConfig", "PerSourceFilter"]


class PerSourceFilter(BaseModel):
    """Which messages of one source pass.

    Attributes:
        source: The sender's name (an agent, or ``user``).
        position: ``"first"`` or ``"last"`` to keep only ``count`` messages from that
            end; every message of the source when ``None``.
        count: How many to keep with ``position``.
    """

    model_config = ConfigDict(defer_build=True)

    source: str
    position: Literal["first", "last"] | None = None
    count: int | None = Field(default=None, ge=1)


class MessageFilterConfig(BaseModel):
    """The filters, applied in order; a message passes if a filter keeps it."""

    model_config = ConfigDict(defer_build=True)

    per_source: list[PerSourceFilter]


class MessageFilterAgentConfig(BaseModel):
    """Config of :class:`~agentparts.agents.MessageFilterAgent`."""

    model_config = ConfigDict(defer_build=True)
    name: str
    wrapped_agent: ComponentModel
    filter: MessageFilterConfig
