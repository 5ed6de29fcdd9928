"""MCP over SSE (a real server process speaking SSE), AutoGen's adapter names, and
``McpToolAdapter.run_json`` returning MCP content blocks as AutoGen's does."""

from __future__ import annotations

import json
import sys

import pytest

from agentparts import CancellationToken, ComponentModel
from agentparts._capabilities import inspect_model
from agentparts.errors import McpServerError, ToolError
from agentparts.tools import BaseTool, ImageResultContent, StaticWorkbench, Workbench
from agentparts.tools.mcp import (
    McpToolAdapter,
    McpWorkbench,
    SseMcpToolAdapter,
    SseServerParams,
    StdioMcpToolAdapter,
    StdioServerParams,
    mcp_server_tools,
)

pytest.importorskip("mcp")


def _autogen_sse_workbench(url: str) -> dict[str, object]:
    """An McpWorkbench config as AutoGen 0.7.5 saves one with ``SseServerParams``."""
    return {
        "provider": "autogen_ext.tools.mcp.McpWorkbench",
        "component_type": "workbench",
        "version": 1,
        "component_version": 1,
        "description": "A workbench that wraps an MCP server and provides an interface to list "
        "and call tools provided by the server.",
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
            "model_client": None,
        },
    }


async def test_sse_workbench_lists_and_calls_tools(sse_server_url: str) -> None:
    async with McpWorkbench(SseServerParams(url=sse_server_url)) as bench:
        names = {t["name"] for t in await bench.list_tools()}
        assert {"add", "echo", "call_count"} <= names
        assert (await bench.call_tool("add", {"a": 2, "b": 40})).to_text() == "42"
        assert (await bench.call_tool("echo", {"text": "héllo"})).to_text() == "héllo"
        assert (await bench.call_tool("call_count")).to_text() == "3"  # one session
        failed = await bench.call_tool("fail", {"message": "nope"})
        assert failed.is_error and "nope" in failed.to_text()


async def test_autogen_sse_workbench_config_loads_and_declares_its_endpoint(
    sse_server_url: str,
) -> None:
    model = ComponentModel.model_validate(_autogen_sse_workbench(sse_server_url))
    capabilities = inspect_model(model, strict=True)
    assert [(c.kind, c.target) for c in capabilities] == [("network", sse_server_url)]
    bench = Workbench.load_component(model)
    assert isinstance(bench, McpWorkbench)
    assert isinstance(bench.server_params, SseServerParams)
    async with bench:
        assert (await bench.call_tool("add", {"a": 1, "b": 1})).to_text() == "2"
    saved = bench.dump_component()
    assert saved.config["server_params"]["type"] == "SseServerParams"
    assert Workbench.load_component(saved).dump_component() == saved


def test_sse_headers_are_secrets_masked_when_saved() -> None:
    params = SseServerParams(url="http://127.0.0.1:1/sse", headers={"Authorization": "Bearer s3"})
    saved = json.dumps(McpWorkbench(params).dump_component().model_dump(mode="json"))
    assert "s3" not in saved


async def test_unreachable_sse_server_is_a_clear_error() -> None:
    params = SseServerParams(url="http://127.0.0.1:9/sse", startup_timeout_seconds=5)
    with pytest.raises(McpServerError, match=r"127\.0\.0\.1:9"):
        await McpWorkbench(params).start()


async def test_sse_tool_adapter_as_autogen(sse_server_url: str) -> None:
    params = SseServerParams(url=sse_server_url)
    add = await SseMcpToolAdapter.from_server_params(params, "add")
    try:
        result = await add.run_json({"a": 3, "b": 4}, CancellationToken())
        assert result[0].text == "7"  # AutoGen code reads the MCP content blocks
        assert add.return_value_as_string(result) == "7"
        saved = add.dump_component()
        assert saved.provider == "agentparts.tools.mcp.SseMcpToolAdapter"
        autogen = saved.model_dump(mode="json")
        autogen["provider"] = "autogen_ext.tools.mcp.SseMcpToolAdapter"
        autogen["config"] = {
            "server_params": {"type": "SseServerParams", "url": sse_server_url},
            "tool": {
                "name": "add",
                "description": "Add two integers.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                    "required": ["a", "b"],
                },
            },
        }
        loaded = BaseTool.load_component(autogen)
        assert isinstance(loaded, SseMcpToolAdapter)
        try:
            again = await loaded.run_json({"a": 1, "b": 1}, CancellationToken())
            assert again[0].text == "2"
        finally:
            await loaded.workbench.stop()
    finally:
        await add.workbench.stop()
    with pytest.raises(ValueError, match="Tool 'nope' not found, available tools: add"):
        await SseMcpToolAdapter.from_server_params(params, "nope")


async def test_adapter_session_argument_is_refused() -> None:
    with pytest.raises(ToolError, match="McpWorkbench"):
        McpToolAdapter(
            SseServerParams(url="http://127.0.0.1:1/sse"),
            {"name": "t", "description": "", "parameters": {"type": "object", "properties": {}}},
            session=object(),  # type: ignore[arg-type]
        )


async def test_run_json_returns_content_blocks_and_the_agent_still_gets_text(
    stdio_params: StdioServerParams,
) -> None:
    tools = await mcp_server_tools(stdio_params)
    try:
        assert all(isinstance(t, StdioMcpToolAdapter) for t in tools)
        by_name = {t.name: t for t in tools}
        token = CancellationToken()
        blocks = await by_name["add"].run_json({"a": 20, "b": 22}, token)
        assert [(b.type, b.text) for b in blocks] == [("text", "42")]
        pixel = await by_name["pixel"].run_json({}, token)
        assert pixel[0].type == "image"
        assert by_name["pixel"].return_value_as_string(pixel).startswith("data:image/png;base64,")
        bench = StaticWorkbench(tools)
        assert (await bench.call_tool("add", {"a": 1, "b": 2})).to_text() == "3"
        assert isinstance((await bench.call_tool("pixel")).result[0], ImageResultContent)
    finally:
        await tools[0].workbench.stop()


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "αβγ"), ("latin-1", "αβγ".encode().decode("latin-1"))],
)
async def test_stdio_encoding_is_honoured(
    stdio_params: StdioServerParams, encoding: str, expected: str
) -> None:
    # The test server always speaks UTF-8: read as Latin-1, its Greek letters become mojibake,
    # which shows the client decodes with the configured encoding.
    params = stdio_params.model_copy(update={"encoding": encoding})
    async with McpWorkbench(params) as bench:
        assert (await bench.call_tool("greek")).to_text() == expected


def test_autogen_stdio_params_with_encoding_load() -> None:
    model = {
        "provider": "autogen_ext.tools.mcp.McpWorkbench",
        "component_type": "workbench",
        "config": {
            "server_params": {
                "type": "StdioServerParams",
                "command": sys.executable,
                "args": ["-m", "agentparts.testing.mcp_server"],
                "encoding": "latin-1",
                "encoding_error_handler": "replace",
            }
        },
    }
    bench = Workbench.load_component(model)
    assert isinstance(bench, McpWorkbench)
    params = bench.server_params
    assert isinstance(params, StdioServerParams)
    assert (params.encoding, params.encoding_error_handler) == ("latin-1", "replace")
    caps = inspect_model(ComponentModel.model_validate(model), strict=True)
    assert [c.kind for c in caps] == ["host_command"]
