"""Teams: several agents working on one task in a shared conversation.

- :class:`RoundRobinGroupChat`: participants speak in turn.
- :class:`SelectorGroupChat`: a model (or your function) picks who speaks next.
- :class:`Swarm`: the speaker hands the conversation on with a ``HandoffMessage``.
- :class:`GraphFlow`: agents run in the order of a graph (:class:`DiGraphBuilder`), with
  conditional edges, loops and parallel branches.
- :class:`MagenticOneGroupChat`: an orchestrator model plans, tracks progress and picks
  each speaker.

Every team has ``run`` / ``run_stream`` (a run without a task continues the last one),
``reset``, ``pause`` / ``resume``, ``save_state`` / ``load_state`` and
``dump_component`` / ``load_component``; AutoGen's team configs load unchanged. Each
team's module is imported on first use of its name, and its config model by the first save
or load of the team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._graph._builder import DiGraphBuilder as DiGraphBuilder
    from ._graph._config import GraphFlowConfig as GraphFlowConfig
    from ._graph._digraph import DiGraph as DiGraph
    from ._graph._digraph import DiGraphEdge as DiGraphEdge
    from ._graph._digraph import DiGraphNode as DiGraphNode
    from ._graph._graph_flow import GraphFlow as GraphFlow
    from ._group_chat._base_group_chat import BaseGroupChat as BaseGroupChat
    from ._group_chat._checkpoint import CheckpointStore as CheckpointStore
    from ._group_chat._checkpoint import SqliteCheckpointStore as SqliteCheckpointStore
    from ._group_chat._config import RoundRobinGroupChatConfig as RoundRobinGroupChatConfig
    from ._group_chat._config import SelectorGroupChatConfig as SelectorGroupChatConfig
    from ._group_chat._config import SwarmConfig as SwarmConfig
    from ._group_chat._round_robin import RoundRobinGroupChat as RoundRobinGroupChat
    from ._group_chat._selector import SelectorGroupChat as SelectorGroupChat
    from ._group_chat._swarm import Swarm as Swarm
    from ._magentic_one._config import MagenticOneGroupChatConfig as MagenticOneGroupChatConfig
    from ._magentic_one._magentic_one import MagenticOneGroupChat as MagenticOneGroupChat

__all__ = [
    "BaseGroupChat",
    "CheckpointStore",
    "DiGraph",
    "DiGraphBuilder",
    "DiGraphEdge",
    "DiGraphNode",
    "GraphFlow",
    "GraphFlowConfig",
    "MagenticOneGroupChat",
    "MagenticOneGroupChatConfig",
    "RoundRobinGroupChat",
    "RoundRobinGroupChatConfig",
    "SelectorGroupChat",
    "SelectorGroupChatConfig",
    "SqliteCheckpointStore",
    "Swarm",
    "SwarmConfig",
]

_LAZY_NAMES = {
    "BaseGroupChat": "._group_chat._base_group_chat",
    "CheckpointStore": "._group_chat._checkpoint",
    "DiGraph": "._graph._digraph",
    "DiGraphBuilder": "._graph._builder",
    "DiGraphEdge": "._graph._digraph",
    "DiGraphNode": "._graph._digraph",
    "GraphFlow": "._graph._graph_flow",
    "GraphFlowConfig": "._graph._config",
    "MagenticOneGroupChat": "._magentic_one._magentic_one",
    "MagenticOneGroupChatConfig": "._magentic_one._config",
    "RoundRobinGroupChat": "._group_chat._round_robin",
    "RoundRobinGroupChatConfig": "._group_chat._config",
    "SelectorGroupChat": "._group_chat._selector",
    "SelectorGroupChatConfig": "._group_chat._config",
    "SqliteCheckpointStore": "._group_chat._checkpoint",
    "Swarm": "._group_chat._swarm",
    "SwarmConfig": "._group_chat._config",
}


__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
