"""The saved-state models of agents and teams, in AutoGen's format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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


class BaseState(BaseModel):
    """Base of every saved state: a ``type`` name and a format ``version``."""

    model_config = ConfigDict(defer_build=True)

    type: str = Field(default="BaseState")
    version: str = Field(default="1.0.0")


class AssistantAgentState(BaseState):
    """What an :class:`~agentparts.agents.AssistantAgent` saves: its model context."""

    llm_context: Mapping[str, Any] = Field(default_factory=lambda: {"messages": []})
    type: str = Field(default="AssistantAgentState")


class TeamState(BaseState):
    """What a team saves: each participant's and the manager's state, by name."""

    agent_states: Mapping[str, Any] = Field(default_factory=dict[str, Any])
    type: str = Field(default="TeamState")


class BaseGroupChatManagerState(BaseState):
    """What every group chat manager saves: the conversation, the turn count and what the
    termination condition has counted (``termination_state``, an agentparts addition that
    AutoGen ignores; ``None`` in AutoGen's states: the condition is left as it is) and who
    was chosen for the turn in progress (``pending_speakers``, also an addition)."""

    message_thread: list[Mapping[str, Any]] = Field(default_factory=list[Mapping[str, Any]])
    current_turn: int = Field(default=0)
    termination_state: Mapping[str, Any] | None = Field(default=None)
    pending_speakers: list[str] = Field(default_factory=list[str])
    """Who was chosen for the turn in progress (agentparts; empty between turns)."""
    type: str = Field(default="BaseGroupChatManagerState")


class ChatAgentContainerState(BaseState):
    """A participant in a team: the agent's state and the messages it has not seen yet."""

    agent_state: Mapping[str, Any] = Field(default_factory=dict[str, Any])
    message_buffer: list[Mapping[str, Any]] = Field(default_factory=list[Mapping[str, Any]])
    type: str = Field(default="ChatAgentContainerState")


class RoundRobinManagerState(BaseGroupChatManagerState):
    """The round-robin manager: whose turn is next."""

    next_speaker_index: int = Field(default=0)
    type: str = Field(default="RoundRobinManagerState")


class SelectorManagerState(BaseGroupChatManagerState):
    """The selector manager: who spoke last."""

    previous_speaker: str | None = Field(default=None)
    type: str = Field(default="SelectorManagerState")


class SwarmManagerState(BaseGroupChatManagerState):
    """The swarm manager: who holds the conversation."""

    current_speaker: str = Field(default="")
    type: str = Field(default="SwarmManagerState")


class MagenticOneOrchestratorState(BaseGroupChatManagerState):
    """The Magentic-One orchestrator: task, facts, plan and progress counters."""

    task: str = Field(default="")
    facts: str = Field(default="")
    plan: str = Field(default="")
    n_rounds: int = Field(default=0)
    n_stalls: int = Field(default=0)
    type: str = Field(default="MagenticOneOrchestratorState")


class SocietyOfMindAgentState(BaseState):
    """A society-of-mind agent: the state of its inner team."""

    inner_team_state: Mapping[str, Any] = Field(default_factory=dict[str, Any])
    type: str = Field(default="SocietyOfMindAgentState")
