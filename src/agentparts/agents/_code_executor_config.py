"""The saved form of a CodeExecutorAgent.

A module of its own, imported on the first load, save or config of the agent: defining
a Pydantic model loads Pydantic's model machinery, which importing the agent need not.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .._component_model import ComponentModel
from ._code_executor_agent import DEFAULT_SYSTEM_MESSAGE

__all__ = ["CodeExecutorAgentConfig"]


class CodeExecutorAgentConfig(BaseModel):
    """Config of :class:`~agentparts.agents.CodeExecutorAgent`."""

    model_config = ConfigDict(defer_build=True)

    name: str
    code_executor: ComponentModel | None = None
    model_client: ComponentModel | None = None
    model_context: ComponentModel | None = None
    description: str | None = None
    system_message: str | None = DEFAULT_SYSTEM_MESSAGE
    model_client_stream: bool = False
    sources: list[str] | None = None
    supported_languages: list[str] | None = None
    max_retries_on_error: int = 0
    approval_func: str | None = None
    """Import reference (``module.function``) of the approval function, if any."""
