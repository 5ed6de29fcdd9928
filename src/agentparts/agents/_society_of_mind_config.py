"""The saved form of a SocietyOfMindAgent.

A module of its own, imported on the first load, save or config of the agent: defining
a Pydantic model loads Pydantic's model machinery, which importing the agent need not.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .._component_model import ComponentModel

__all__ = ["SocietyOfMindAgentConfig"]


class SocietyOfMindAgentConfig(BaseModel):
    """Config of :class:`~agentparts.agents.SocietyOfMindAgent` (AutoGen's fields)."""

    model_config = ConfigDict(defer_build=True)
    name: str
    team: ComponentModel
    model_client: ComponentModel
    description: str | None = None
    instruction: str | None = None
    response_prompt: str | None = None
    model_context: ComponentModel | None = None
