"""Closing an agent releases the parts it owns: all of them when loaded from a config,
none when built in code (they belong to the caller)."""

from __future__ import annotations

import asyncio
import os
import sys

from agentparts import FunctionCall
from agentparts.agents import AssistantAgent
from agentparts.messages import ToolCallExecutionEvent
from agentparts.models import CreateResult, RequestUsage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools.mcp import McpWorkbench, StdioServerParams

MCP_SERVER = StdioServerParams(command=sys.executable, args=["-m", "agentparts.testing.mcp_server"])


def _asks_for_pid() -> ReplayChatCompletionClient:
    call = FunctionCall(id="c1", name="pid", arguments="{}")
    return ReplayChatCompletionClient(
        [
            CreateResult(
                content=[call],
                finish_reason="function_calls",
                usage=RequestUsage(prompt_tokens=1, completion_tokens=1),
                cached=False,
            ),
            "done",
        ]
    )


async def _server_pid(agent: AssistantAgent) -> int:
    result = await agent.run(task="what is your pid?")
    [executed] = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
    assert not executed.content[0].is_error, executed.content[0].content
    return int(executed.content[0].content)


async def _gone(pid: int) -> bool:
    for _ in range(200):
        if not os.path.exists(f"/proc/{pid}"):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_agent_loaded_from_config_stops_its_mcp_server_on_close() -> None:
    built = AssistantAgent("a", _asks_for_pid(), workbench=McpWorkbench(MCP_SERVER))
    loaded = AssistantAgent.load_component(built.dump_component())
    pid = await _server_pid(loaded)
    assert os.path.exists(f"/proc/{pid}")
    await loaded.close()
    assert await _gone(pid), f"MCP server {pid} still running after close()"


async def test_agent_built_in_code_leaves_its_parts_to_the_caller() -> None:
    workbench = McpWorkbench(MCP_SERVER)
    agent = AssistantAgent("a", _asks_for_pid(), workbench=workbench)
    pid = await _server_pid(agent)
    await agent.close()
    await asyncio.sleep(0.2)
    assert os.path.exists(f"/proc/{pid}"), "close() stopped a workbench the caller owns"
    await workbench.stop()
    assert await _gone(pid)


async def test_caller_can_hand_its_parts_over_to_the_agent() -> None:
    agent = AssistantAgent("a", _asks_for_pid(), workbench=McpWorkbench(MCP_SERVER))
    agent.owns_parts = True
    pid = await _server_pid(agent)
    await agent.close()
    assert await _gone(pid), f"MCP server {pid} still running after close()"
