"""AgentTool and TeamTool: an agent or a team, called by another agent as a tool.

They live with the agents (they need ``ChatAgent`` and ``Team``) and are re-exported
lazily from ``agentparts.tools``, which must not import agents.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict

from .._cancellation_token import CancellationToken
from .._component import Component
from .._component_model import ComponentModel
from ..base import ChatAgent, TaskResult, Team
from ..messages import BaseAgentEvent, BaseChatMessage
from ..tools import BaseStreamTool

__all__ = [
    "AgentTool",
    "AgentToolConfig",
    "TaskRunnerTool",
    "TaskRunnerToolArgs",
    "TeamTool",
    "TeamToolConfig",
]


class TaskRunnerToolArgs(BaseModel):
    """The tool's argument: the task to run."""

    model_config = ConfigDict(defer_build=True)

    task: Annotated[str, "The task to be executed."]


class TaskRunnerTool(
    BaseStreamTool[TaskRunnerToolArgs, BaseAgentEvent | BaseChatMessage, TaskResult]
):
    """A tool that runs a task with an agent or a team and answers with its messages.

    The answer the calling model sees is every chat message of the run except the task
    (``source: text``, one per paragraph), or only the last one with
    ``return_value_as_last_message``. It is a streaming tool: through a
    ``StaticStreamWorkbench`` (an ``AssistantAgent``'s own tools) the run's messages and
    events reach the calling agent's stream as they happen. The agent or team keeps its conversation between
    calls, like a colleague asked several times; calls must not overlap (turn parallel
    tool calls off in the caller's model client).

    Args:
        task_runner: The agent or team.
        name: The tool name.
        description: What the tool does (the calling model reads it).
        return_value_as_last_message: Answer with the last message only.
    """

    component_type = "tool"

    def __init__(
        self,
        task_runner: ChatAgent | Team,
        name: str,
        description: str,
        return_value_as_last_message: bool = False,
    ) -> None:
        self._task_runner = task_runner
        self._return_value_as_last_message = return_value_as_last_message
        super().__init__(TaskRunnerToolArgs, TaskResult, name, description, strict=True)

    async def run(
        self, args: TaskRunnerToolArgs, cancellation_token: CancellationToken
    ) -> TaskResult:
        """Run the task; cancelling the token cancels the run."""
        return await self._task_runner.run(task=args.task, cancellation_token=cancellation_token)

    async def run_stream(
        self, args: TaskRunnerToolArgs, cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | TaskResult, None]:
        """Run the task, yielding its messages and events, then the ``TaskResult``."""
        stream = self._task_runner.run_stream(task=args.task, cancellation_token=cancellation_token)
        try:
            async for item in stream:
                yield item
        finally:
            await stream.aclose()

    def return_value_as_string(self, value: Any) -> str:
        """What the calling model reads: the run's chat messages (or the last one).

        Raises:
            ValueError: ``return_value_as_last_message`` and the run ended on an event.
        """
        result: TaskResult = value
        if self._return_value_as_last_message:
            last = result.messages[-1] if result.messages else None
            if not isinstance(last, BaseChatMessage):
                raise ValueError(
                    f"Tool {self.name!r}: the run ended without a chat message to return."
                )
            return last.to_model_text()
        return "\n\n".join(
            f"{m.source}: {m.to_model_text()}"
            for m in result.messages
            if isinstance(m, BaseChatMessage) and m.source != "user"
        )

    async def save_state_json(self) -> Mapping[str, Any]:
        """The agent's or team's state."""
        return await self._task_runner.save_state()

    async def load_state_json(self, state: Mapping[str, Any]) -> None:
        """Restore the agent's or team's state."""
        await self._task_runner.load_state(state)


class AgentToolConfig(BaseModel):
    """Config of :class:`AgentTool` (AutoGen's fields)."""

    model_config = ConfigDict(defer_build=True)
    agent: ComponentModel
    return_value_as_last_message: bool = False


class AgentTool(TaskRunnerTool, Component[AgentToolConfig]):
    """An agent as a tool: its name and description become the tool's.

    Args:
        agent: The agent to run.
        return_value_as_last_message: Answer with its last message only.

    Example:
        >>> from agentparts.agents import AssistantAgent
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> poet = AssistantAgent("poet", ReplayChatCompletionClient(["A poem."]), description="Writes poems.")
        >>> AgentTool(poet).schema["name"]
        'poet'
    """

    component_config_schema = AgentToolConfig
    component_provider_override = "agentparts.tools.AgentTool"

    def __init__(self, agent: ChatAgent, return_value_as_last_message: bool = False) -> None:
        self._agent = agent
        super().__init__(agent, agent.name, agent.description, return_value_as_last_message)

    def _to_config(self) -> AgentToolConfig:
        return AgentToolConfig(
            agent=self._agent.dump_component(),
            return_value_as_last_message=self._return_value_as_last_message,
        )

    @classmethod
    def _from_config(cls, config: AgentToolConfig) -> Self:
        return cls(ChatAgent.load_component(config.agent), config.return_value_as_last_message)


class TeamToolConfig(BaseModel):
    """Config of :class:`TeamTool` (AutoGen's fields)."""

    model_config = ConfigDict(defer_build=True)
    name: str
    description: str
    team: ComponentModel
    return_value_as_last_message: bool = False


class TeamTool(TaskRunnerTool, Component[TeamToolConfig]):
    """A team as a tool.

    Args:
        team: The team to run (each call continues its conversation unless reset).
        name: The tool name.
        description: What the tool does.
        return_value_as_last_message: Answer with the team's last message only.
    """

    component_config_schema = TeamToolConfig
    component_provider_override = "agentparts.tools.TeamTool"

    def __init__(
        self, team: Team, name: str, description: str, return_value_as_last_message: bool = False
    ) -> None:
        self._team = team
        super().__init__(team, name, description, return_value_as_last_message)

    def _to_config(self) -> TeamToolConfig:
        return TeamToolConfig(
            name=self.name,
            description=self.description,
            team=self._team.dump_component(),
            return_value_as_last_message=self._return_value_as_last_message,
        )

    @classmethod
    def _from_config(cls, config: TeamToolConfig) -> Self:
        return cls(
            Team.load_component(config.team),
            config.name,
            config.description,
            config.return_value_as_last_message,
        )
