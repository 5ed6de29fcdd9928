"""GraphFlow's saved forms: its config and its manager's state (AutoGen's fields).

Kept apart from the team so that importing it does not build Pydantic models: this module
is imported by the first save or load of a GraphFlow.
"""

from __future__ import annotations

from pydantic import Field

from ...state import BaseGroupChatManagerState
from .._group_chat._config import TeamConfig
from ._digraph import DiGraph

__all__ = ["GraphFlowConfig", "GraphFlowManagerState"]


class GraphFlowManagerState(BaseGroupChatManagerState):
    """The graph manager: which nodes are ready and what each still waits for."""

    remaining: dict[str, dict[str, int]] = Field(default_factory=dict[str, dict[str, int]])
    enqueued_any: dict[str, dict[str, bool]] = Field(default_factory=dict[str, dict[str, bool]])
    triggered: dict[str, list[str]] = Field(default_factory=dict[str, list[str]])
    ready: list[str] = Field(default_factory=list[str])
    type: str = Field(default="GraphManagerState")


class GraphFlowConfig(TeamConfig):
    """Config of :class:`GraphFlow` (AutoGen's fields)."""

    graph: DiGraph
