"""AssistantAgent configs written by AutoGen 0.7.5 itself load and run (issue 19).

data/autogen075_assistant_*.json are AutoGen's own ``dump_component()`` output (made by
data/make_autogen075_dumps.py): AutoGen saves an agent's tools, even none, as an
``autogen_core.tools.StaticStreamWorkbench``. The agents run against a real local
OpenAI-compatible server; the SSE case against a real MCP server process speaking SSE.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentparts import ComponentModel
from agentparts._capabilities import inspect_model
from agentparts.agents import AssistantAgent
from agentparts.messages import ToolCallExecutionEvent, ToolCallSummaryMessage
from agentparts.testing import OpenAITestServer, ScriptedReply, ScriptedToolCall
from agentparts.tools import StaticStreamWorkbench
from agentparts.tools.mcp import McpWorkbench, SseServerParams

DATA = Path(__file__).parent / "data"


def _dump(name: str, base_url: str) -> dict[str, Any]:
    config = json.loads((DATA / name).read_text(encoding="utf-8"))
    config["config"]["model_client"]["config"]["base_url"] = base_url
    return config


@pytest.fixture(autouse=True)
def _openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")


@pytest.fixture
def sse_url() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentparts.testing.mcp_server", "--sse", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_the_dumps_are_autogens_own() -> None:
    for name in ("autogen075_assistant_no_tools.json", "autogen075_assistant_code_tool.json"):
        config = json.loads((DATA / name).read_text(encoding="utf-8"))
        assert config["provider"] == "autogen_agentchat.agents.AssistantAgent"
        (bench,) = config["config"]["workbench"]
        assert bench["provider"] == "autogen_core.tools.StaticStreamWorkbench"


async def test_autogen_assistant_without_tools_loads_and_runs() -> None:
    async with OpenAITestServer(["Paris."]) as server:
        agent = AssistantAgent.load_component(
            _dump("autogen075_assistant_no_tools.json", server.base_url)
        )
        (bench,) = agent._workbenches  # pyright: ignore[reportPrivateUsage]
        assert isinstance(bench, StaticStreamWorkbench) and bench.tools == []
        result = await agent.run(task="Capital of France?")
        assert result.messages[-1].to_text() == "Paris."
        body = server.last_request.body
        assert "tools" not in body  # an empty workbench offers the model nothing
        assert body["messages"][0] == {"role": "system", "content": "Answer briefly."}
        await agent.close()


async def test_autogen_assistant_with_a_code_tool_loads_and_runs(tmp_path: Path) -> None:
    async with OpenAITestServer() as server:
        config = _dump("autogen075_assistant_code_tool.json", server.base_url)
        tool = config["config"]["workbench"][0]["config"]["tools"][0]
        tool["config"]["executor"]["config"]["work_dir"] = str(tmp_path)  # AutoGen's was temporary
        agent = AssistantAgent.load_component(config)
        server.script(
            ScriptedReply(tool_calls=[ScriptedToolCall("CodeExecutor", {"code": "print(6 * 7)"})])
        )
        result = await agent.run(task="What is 6 times 7?")
        offered = server.requests[0].body["tools"]
        assert [t["function"]["name"] for t in offered] == ["CodeExecutor"]
        (executed,) = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
        assert executed.content[0].content.strip() == "42"
        assert not executed.content[0].is_error
        assert isinstance(result.messages[-1], ToolCallSummaryMessage)
        await agent.close()
    saved = agent.dump_component()
    (bench,) = saved.config["workbench"]
    assert bench["provider"] == "agentparts.tools.StaticStreamWorkbench"
    assert bench["config"]["tools"][0]["provider"] == "agentparts.tools.PythonCodeExecutionTool"
    assert AssistantAgent.load_component(saved).dump_component() == saved


def _with_sse_workbench(config: dict[str, Any], url: str) -> dict[str, Any]:
    """The no-tools dump with an MCP SSE workbench, as AutoGen 0.7.5 saves one."""
    config = copy.deepcopy(config)
    config["config"]["workbench"] = [
        {
            "provider": "autogen_ext.tools.mcp.McpWorkbench",
            "component_type": "workbench",
            "version": 1,
            "component_version": 1,
            "label": "McpWorkbench",
            "config": {
                "server_params": {
                    "type": "SseServerParams",
                    "url": url,
                    "headers": None,
                    "timeout": 5.0,
                    "sse_read_timeout": 300.0,
                },
                "tool_overrides": {},
            },
        }
    ]
    return config


async def test_autogen_assistant_with_an_mcp_sse_workbench(sse_url: str) -> None:
    async with OpenAITestServer() as server:
        config = _with_sse_workbench(
            _dump("autogen075_assistant_no_tools.json", server.base_url), sse_url
        )
        capabilities = inspect_model(ComponentModel.model_validate(config), strict=True)
        assert ("network", sse_url) in [(c.kind, c.target) for c in capabilities]
        agent = AssistantAgent.load_component(config)
        (bench,) = agent._workbenches  # pyright: ignore[reportPrivateUsage]
        assert isinstance(bench, McpWorkbench)
        assert isinstance(bench.server_params, SseServerParams)
        server.script(ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 40, "b": 2})]))
        try:
            result = await agent.run(task="40 + 2?")
            offered = {t["function"]["name"] for t in server.requests[0].body["tools"]}
            assert {"add", "echo"} <= offered
            assert result.messages[-1].to_text() == "42"
        finally:
            await agent.close()
