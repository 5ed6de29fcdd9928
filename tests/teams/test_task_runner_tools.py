"""AgentTool and TeamTool: agents and teams called as tools by another agent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agentparts import CancellationToken, ComponentLoader, FunctionCall
from agentparts.agents import AssistantAgent
from agentparts.messages import ToolCallExecutionEvent, ToolCallSummaryMessage
from agentparts.models import CreateResult, RequestUsage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import RoundRobinGroupChat
from agentparts.tools import AgentTool, TeamTool

from .conftest import Slow, assistant, tool_model

DATA = Path(__file__).parent / "data"


def call(name: str, task: str) -> CreateResult:
    arguments = json.dumps({"task": task})
    return CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="call_1", name=name, arguments=arguments)],
        usage=RequestUsage(1, 1),
    )


async def test_an_agent_calls_another_agent_as_a_tool() -> None:
    poet = AssistantAgent(
        "poet", ReplayChatCompletionClient(["A poem about the sea."]), description="Writes poems."
    )
    tool = AgentTool(poet)
    assert tool.schema["name"] == "poet" and tool.schema["description"] == "Writes poems."
    boss = AssistantAgent("boss", tool_model(call("poet", "Write about the sea.")), tools=[tool])
    result = await boss.run(task="I need a poem.")
    executed = next(m for m in result.messages if isinstance(m, ToolCallExecutionEvent))
    assert executed.content[0].content == "poet: A poem about the sea."
    assert isinstance(result.messages[-1], ToolCallSummaryMessage)


async def test_a_team_as_a_tool_answers_with_its_last_message() -> None:
    team = RoundRobinGroupChat(
        [assistant("drafter", "draft", "d2"), assistant("editor", "final", "f2")], max_turns=2
    )
    tool = TeamTool(team, "writers", "Drafts and edits.", return_value_as_last_message=True)
    value = await tool.run_json({"task": "Write."}, CancellationToken())
    assert tool.return_value_as_string(value) == "final"
    streamed = [item async for item in tool.run_stream(tool.args_type().model_validate({"task": "More."}), CancellationToken())]  # fmt: skip
    assert type(streamed[-1]).__name__ == "TaskResult"
    state = await tool.save_state_json()
    assert "RoundRobinGroupChatManager" in state["agent_states"]


async def test_cancelling_the_call_cancels_the_team_run() -> None:
    slow = Slow("slow", 10)
    tool = TeamTool(RoundRobinGroupChat([slow]), "slow_team", "Slow.")
    token = CancellationToken()
    task = asyncio.create_task(tool.run_json({"task": "go"}, token))
    await slow.started.wait()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert slow.cancelled


async def test_save_load_and_the_autogen_configs() -> None:
    data = json.loads((DATA / "autogen_task_runner_tools.json").read_text())
    agent_tool = ComponentLoader.load_component(data["agent_tool"], AgentTool)
    assert agent_tool.name == "poet"
    team_tool = ComponentLoader.load_component(data["team_tool"], TeamTool)
    value = await team_tool.run_json({"task": "Write."}, CancellationToken())
    assert team_tool.return_value_as_string(value) == "final"
    for tool in (agent_tool, team_tool):
        saved = json.loads(tool.dump_component().model_dump_json())
        assert saved["provider"] in ("agentparts.tools.AgentTool", "agentparts.tools.TeamTool")
        again = ComponentLoader.load_component(saved)
        assert again.dump_component() == tool.dump_component()
