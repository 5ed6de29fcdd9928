"""Closing an agent releases the parts it owns: all of them when loaded from a config,
none when built in code (they belong to the caller)."""

from __future__ import annotations

import asyncio
import os
import select
import sys

from agentparts import FunctionCall
from agentparts.agents import AssistantAgent
from agentparts.messages import ToolCallExecutionEvent
from agentparts.models import CreateResult, RequestUsage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools.mcp import McpWorkbench, StdioServerParams

from .conftest import TOOLS_INFO

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
        ],
        model_info=TOOLS_INFO,
    )


async def _server_pid(agent: AssistantAgent) -> int:
    result = await agent.run(task="what is your pid?")
    [executed] = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
    assert not executed.content[0].is_error, executed.content[0].content
    return int(executed.content[0].content)


class _Exit:
    """The exit of a process (not our child) as an event: its pidfd turns readable."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._fd = os.pidfd_open(pid)

    async def wait(self, timeout: float = 10) -> bool:
        loop = asyncio.get_running_loop()
        exited = asyncio.Event()
        loop.add_reader(self._fd, exited.set)
        try:
            await asyncio.wait_for(exited.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(self._fd)

    def running(self) -> bool:
        return not select.select([self._fd], [], [], 0)[0]

    def close(self) -> None:
        os.close(self._fd)


async def test_agent_loaded_from_config_stops_its_mcp_server_on_close() -> None:
    built = AssistantAgent("a", _asks_for_pid(), workbench=McpWorkbench(MCP_SERVER))
    loaded = AssistantAgent.load_component(built.dump_component())
    server = _Exit(await _server_pid(loaded))
    assert server.running()
    await loaded.close()
    assert await server.wait(), f"MCP server {server.pid} still running after close()"
    server.close()


async def test_agent_built_in_code_leaves_its_parts_to_the_caller() -> None:
    workbench = McpWorkbench(MCP_SERVER)
    agent = AssistantAgent("a", _asks_for_pid(), workbench=workbench)
    server = _Exit(await _server_pid(agent))
    await agent.close()
    # The caller's workbench still answers, from the same server process.
    result = await workbench.call_tool("pid", {})
    assert result.to_text() == str(server.pid), "close() stopped a workbench the caller owns"
    assert server.running()
    await workbench.stop()
    assert await server.wait()
    server.close()


async def test_caller_can_hand_its_parts_over_to_the_agent() -> None:
    agent = AssistantAgent("a", _asks_for_pid(), workbench=McpWorkbench(MCP_SERVER))
    agent.owns_parts = True
    server = _Exit(await _server_pid(agent))
    await agent.close()
    assert await server.wait(), f"MCP server {server.pid} still running after close()"
    server.close()
