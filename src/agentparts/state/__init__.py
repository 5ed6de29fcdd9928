"""The saved-state models of agents and teams (AutoGen's ``autogen_agentchat.state``).

``save_state()`` returns these as plain JSON-ready dicts; validate one with
``TeamState.model_validate(state)`` to read it.
"""

from ._states import AssistantAgentState as AssistantAgentState
from ._states import BaseGroupChatManagerState as BaseGroupChatManagerState
from ._states import BaseState as BaseState
from ._states import ChatAgentContainerState as ChatAgentContainerState
from ._states import MagenticOneOrchestratorState as MagenticOneOrchestratorState
from ._states import RoundRobinManagerState as RoundRobinManagerState
from ._states import SelectorManagerState as SelectorManagerState
from ._states import SocietyOfMindAgentState as SocietyOfMindAgentState
from ._states import SwarmManagerState as SwarmManagerState
from ._states import TeamState as TeamState

__all__ = [
    "AssistantAgentState",
    "BaseGroupChatManagerState",
    "BaseState",
    "ChatAgentContainerState",
    "MagenticOneOrchestratorState",
    "RoundRobinManagerState",
    "SelectorManagerState",
    "SocietyOfMindAgentState",
    "SwarmManagerState",
    "TeamState",
]
