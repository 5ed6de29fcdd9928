"""MCP tool adapters as AutoGen's: argument models from the input schema, AutoGen's
classes and config shapes per transport, against the real test MCP server.

The AutoGen comparison dumps adapters with AutoGen 0.7.5 in its own venv (built by
``scripts/bench``, with ``autogen-ext[mcp]``), pointed at the same test server, and loads
what AutoGen wrote here.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agentparts import CancellationToken
from agentparts.errors import ToolArgumentsError, ToolError
from agentparts.tools.mcp import (
    McpToolAdapter,
    McpWorkbench,
    SseMcpToolAdapter,
    SseServerParams,
    StdioMcpToolAdapter,
    StdioServerParams,
    StreamableHttpMcpToolAdapter,
    StreamableHttpServerParams,
    mcp_server_tools,
)

from .._autogen import AUTOGEN_PYTHON

pytest.importorskip("mcp")

DUMP_SCRIPT = """
import asyncio, json, sys
from autogen_core import CancellationToken
from autogen_ext.tools.mcp import (
    SseServerParams, StdioServerParams, StreamableHttpServerParams, mcp_server_tools)

def params_of(kind, where):
    if kind == "stdio":
        return StdioServerParams(command=where[0], args=where[1:], read_timeout_seconds=20)
    if kind == "http":
        return StreamableHttpServerParams(url=where)
    return SseServerParams(url=where)

async def describe(kind, where):
    add = {t.name: t for t in await mcp_server_tools(params_of(kind, where))}["add"]
    out = {"class": type(add).__name__, "dump": add.dump_component().model_dump(mode="json"),
           "schema": add.schema, "args_schema": add.args_type().model_json_schema(), "bad": []}
    for bad in ({"a": "one", "b": 2}, {"a": 1}):
        try:
            await add.run_json(bad, CancellationToken())
        except Exception as exc:
            errors = [[list(e["loc"]), e["type"]] for e in exc.errors()]
            out["bad"].append([type(exc).__name__, errors])
    result = await add.run_json({"a": 2, "b": 40, "c": 1}, CancellationToken())
    out["result"] = result[0].text
    return out

async def main():
    where = json.loads(sys.argv[1])
    print(json.dumps({kind: await describe(kind, w) for kind, w in where.items()}))

asyncio.run(main())
"""

BAD_ARGUMENTS: list[dict[str, Any]] = [{"a": "one", "b": 2}, {"a": 1}]
EXPECTED_ERRORS = [[["a"], "int_parsing"], [["b"], "missing"]]


def _autogen_has_mcp() -> bool:
    if not AUTOGEN_PYTHON.exists():
        return False
    probe = [str(AUTOGEN_PYTHON), "-c", "import autogen_ext.tools.mcp"]
    return subprocess.run(probe, capture_output=True, timeout=120).returncode == 0


def _without_strict(schema: Any) -> dict[str, Any]:
    # AutoGen writes "strict": false into every schema; agentparts only "strict": true.
    return {k: v for k, v in dict(schema).items() if k != "strict"}


@pytest.mark.skipif(
    not _autogen_has_mcp(),
    reason="AutoGen venv without MCP (scripts/bench; uv pip install 'autogen-ext[mcp]==0.7.5' 'mcp<2')",
)
async def test_adapters_autogen_dumped_load_and_behave_as_autogens(
    tmp_path: Path, http_server_url: str, sse_server_url: str
) -> None:
    stdio = [sys.executable, "-m", "agentparts.testing.mcp_server"]
    where = {"stdio": stdio, "http": http_server_url, "sse": sse_server_url}
    script = tmp_path / "dump_mcp_adapters.py"
    script.write_text(DUMP_SCRIPT)
    process = await asyncio.create_subprocess_exec(
        str(AUTOGEN_PYTHON),
        str(script),
        json.dumps(where),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, err.decode()
    autogen: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    classes = {
        "stdio": StdioMcpToolAdapter,
        "http": StreamableHttpMcpToolAdapter,
        "sse": SseMcpToolAdapter,
    }
    for kind, seen in autogen.items():
        assert seen["bad"] == [["ValidationError", [e]] for e in EXPECTED_ERRORS]
        tool = McpToolAdapter.load_component(seen["dump"])
        assert type(tool) is classes[kind]
        try:
            assert _without_strict(tool.schema) == _without_strict(seen["schema"])
            assert tool.args_type().model_json_schema() == seen["args_schema"]
            for bad, expected in zip(BAD_ARGUMENTS, EXPECTED_ERRORS, strict=True):
                with pytest.raises(ToolArgumentsError) as caught:
                    await tool.run_json(bad, CancellationToken())
                assert isinstance(caught.value, ValidationError)
                errors = caught.value.errors()
                assert [[list(e["loc"]), e["type"]] for e in errors] == [expected]
            result = await tool.run_json({"a": 2, "b": 40, "c": 1}, CancellationToken())
            assert result[0].text == seen["result"] == "42"
            saved = tool.dump_component().model_dump(mode="json")
            assert saved["provider"] == f"agentparts.tools.mcp.{classes[kind].__name__}"
            assert saved["config"]["tool"] == seen["dump"]["config"]["tool"]
        finally:
            await tool.workbench.stop()
        # The adapters agentparts makes itself are saved as AutoGen saves them.
        own = {t.name: t for t in await mcp_server_tools(tool.server_params)}["add"]
        try:
            assert type(own) is classes[kind]
            saved = own.dump_component().model_dump(mode="json")
            assert saved["config"]["tool"] == seen["dump"]["config"]["tool"]
        finally:
            await own.workbench.stop()


async def test_bad_arguments_are_refused_before_the_server_sees_them(
    stdio_params: StdioServerParams,
) -> None:
    tools = {t.name: t for t in await mcp_server_tools(stdio_params)}
    try:
        add = tools["add"]
        assert set(add.args_type().model_fields) == {"a", "b"}
        assert add.schema.get("parameters", {}).get("required") == ["a", "b"]
        token = CancellationToken()
        for bad in BAD_ARGUMENTS:
            with pytest.raises(ToolArgumentsError, match="Invalid arguments for tool 'add'"):
                await add.run_json(bad, token)
        with pytest.raises(ValidationError):  # what AutoGen code catches
            await add.run_json({"a": [], "b": 1}, token)
        with pytest.raises(ToolError):  # what agentparts code catches
            await add.run_json({}, token)
        # None of those reached the server: this is its first call.
        count = await tools["call_count"].run_json({}, token)
        assert count[0].text == "1"
        # Arguments the schema does not know are dropped, as AutoGen's model does.
        assert (await add.run_json({"a": 1, "b": 2, "c": 3}, token))[0].text == "3"
    finally:
        await tools["add"].workbench.stop()


async def test_an_unreadable_input_schema_warns_and_lets_the_server_check(
    stdio_params: StdioServerParams,
) -> None:
    odd = {
        "name": "echo",
        "description": "Echo.",
        "inputSchema": {
            "type": "object",
            "properties": {"text": {"type": "string", "format": "no-such-format"}},
        },
    }
    tool = StdioMcpToolAdapter(server_params=stdio_params, tool=odd)
    try:
        with pytest.warns(UserWarning, match="input schema of MCP tool 'echo' cannot be made"):
            parameters = tool.schema.get("parameters")
        assert parameters == odd["inputSchema"]  # the server's, offered as is
        result = await tool.run_json({"text": "hi"}, CancellationToken())
        assert result[0].text == "hi"
    finally:
        await tool.workbench.stop()


def test_autogen_keyword_arguments_and_sdk_tools_are_taken() -> None:
    from mcp.types import Tool

    sdk_tool = Tool(
        name="add",
        description="Add two integers.",
        input_schema={"type": "object", "properties": {"a": {"type": "integer"}}},
    )
    params = StreamableHttpServerParams(url="http://127.0.0.1:9/mcp")
    tool = StreamableHttpMcpToolAdapter(server_params=params, tool=sdk_tool)
    assert tool.tool["inputSchema"] == {"type": "object", "properties": {"a": {"type": "integer"}}}
    saved = tool.dump_component()
    assert saved.provider == "agentparts.tools.mcp.StreamableHttpMcpToolAdapter"
    assert set(saved.config) == {"server_params", "tool"}
    assert saved.config["tool"]["name"] == "add"


def test_an_adapter_refuses_another_transports_parameters() -> None:
    params = SseServerParams(url="http://127.0.0.1:9/sse")
    schema = {"name": "t", "inputSchema": {"type": "object"}}
    with pytest.raises(ToolError, match="StdioMcpToolAdapter reaches its server with Stdio"):
        StdioMcpToolAdapter(params, schema)
    with pytest.raises(ToolError, match="got SseServerParams"):
        StdioMcpToolAdapter(McpWorkbench(params), schema)
    assert McpToolAdapter(params, schema).server_params == params  # the base takes any
    with pytest.raises(ToolError, match="needs a non-empty 'name'"):
        McpToolAdapter(params, {"inputSchema": {}})


def test_configs_agentparts_saved_before_still_load(stdio_params: StdioServerParams) -> None:
    flat = {
        "provider": "agentparts.tools.mcp.McpToolAdapter",
        "component_type": "tool",
        "config": {
            "server_params": stdio_params.model_dump(mode="json"),
            "name": "add",
            "description": "Add two integers.",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}},
        },
    }
    tool = McpToolAdapter.load_component(flat)
    assert tool.tool == {
        "name": "add",
        "description": "Add two integers.",
        "inputSchema": {"type": "object", "properties": {"a": {"type": "integer"}}},
    }
    assert set(tool.args_type().model_fields) == {"a"}


async def test_an_agent_gets_bad_arguments_back_as_an_error_result(
    stdio_params: StdioServerParams,
) -> None:
    from agentparts import FunctionCall
    from agentparts.agents import AssistantAgent
    from agentparts.messages import ToolCallExecutionEvent
    from agentparts.models import CreateResult, ModelInfo, RequestUsage
    from agentparts.models.replay import ReplayChatCompletionClient

    calls_tools = ModelInfo(
        vision=False,
        function_calling=True,
        json_output=False,
        family="unknown",
        structured_output=False,
    )
    ask = CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="c1", name="add", arguments='{"a": "one", "b": 2}')],
        usage=RequestUsage(prompt_tokens=1, completion_tokens=1),
    )
    tools = await mcp_server_tools(stdio_params)
    try:
        client = ReplayChatCompletionClient([ask, "sorry"], model_info=calls_tools)
        agent = AssistantAgent("a", client, tools=tools)
        result = await agent.run(task="add")
        executed = result.messages[-2]
        assert isinstance(executed, ToolCallExecutionEvent)
        [outcome] = executed.content
        assert outcome.is_error
        assert "Invalid arguments for tool 'add': a: Input should be a valid integer" in (
            outcome.content
        )
    finally:
        await tools[0].workbench.stop()
