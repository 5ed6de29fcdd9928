"""The saved form of a UserProxyAgent.

A module of its own, imported on the first load, save or config of the agent: defining
a Pydantic model loads Pydantic's model machinery, which importing the agent need not.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["UserProxyAgentConfig"]


class UserProxyAgentConfig(BaseModel):
    """Config of :class:`~agentparts.agents.UserProxyAgent`.

    Attributes:
        name: The agent's name.
        description: What it stands for (a person).
        input_func: Import reference of the input function; ``None`` reads the console.
    """

    model_config = ConfigDict(defer_build=True)
    name: str
    description: str = "A human user"
    input_func: str | None = None
