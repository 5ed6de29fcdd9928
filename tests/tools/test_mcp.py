"""McpWorkbench and mcp_server_tools against a real MCP server process (agentparts.testing.mcp_server)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from agentparts import CancellationToken, ComponentModel
from agentparts.errors import ComponentLoadError, McpServerError, SecretError, ToolError
from agentparts.testing.mcp_server import PIXEL_PNG_BASE64
from agentparts.tools import BaseTool, ImageResultContent, ToolOverride, Workbench
from agentparts.tools.mcp import (
    McpToolAdapter,
    McpWorkbench,
    StdioServerParams,
    StreamableHttpServerParams,
    mcp_server_tools,
)


async def test_lists_and_calls_tools_over_one_session(stdio_params: StdioServerParams) -> None:
    async with McpWorkbench(stdio_params) as bench:
        schemas = {s["name"]: s for s in await bench.list_tools()}
        assert {"add", "echo", "call_count", "sleep", "fail", "crash", "pixel"} <= set(schemas)
        add = schemas["add"]
        assert add.get("description") == "Add two integers."
        assert add["parameters"].get("required") == ["a", "b"]
        assert add["parameters"]["properties"]["a"]["type"] == "integer"

        result = await bench.call_tool("add", {"a": 2, "b": 40})
        assert not result.is_error
        assert result.to_text() == "42"
        pid = (await bench.call_tool("pid")).to_text()
        for expected in (3, 4, 5):  # after add and pid: every call reached the same process
            assert (await bench.call_tool("call_count")).to_text() == str(expected)
        assert (await bench.call_tool("pid")).to_text() == pid
        assert bench.session.starts == 1


async def test_tool_errors_are_error_results(stdio_params: StdioServerParams) -> None:
    async with McpWorkbench(stdio_params) as bench:
        failed = await bench.call_tool("fail", {"message": "disk full"})
        assert failed.is_error
        assert "disk full" in failed.to_text()
        bad = await bench.call_tool("add", {"a": "one"})
        assert bad.is_error and "add" in bad.to_text()
        await bench.list_tools()
        unknown = await bench.call_tool("multiply", {"a": 1})
        assert unknown.is_error
        assert "Unknown tool 'multiply'" in unknown.to_text()
        assert "add" in unknown.to_text()


async def test_images_come_back_as_images(stdio_params: StdioServerParams) -> None:
    async with McpWorkbench(stdio_params) as bench:
        result = await bench.call_tool("pixel")
    [part] = result.result
    assert isinstance(part, ImageResultContent)
    assert part.content.to_base64() == PIXEL_PNG_BASE64


async def test_crash_gives_an_error_and_the_next_call_restarts(
    stdio_params: StdioServerParams,
) -> None:
    async with McpWorkbench(stdio_params) as bench:
        first_pid = (await bench.call_tool("pid")).to_text()
        crashed = await bench.call_tool("crash")
        assert crashed.is_error
        assert "closed the connection (it exited or crashed)" in crashed.to_text()
        assert "restarted on the next call" in crashed.to_text()
        again = await bench.call_tool("pid")
        assert not again.is_error
        assert again.to_text() != first_pid
        assert (await bench.call_tool("call_count")).to_text() == "2"
        assert bench.session.starts == 2


async def test_slow_call_times_out_and_the_session_survives() -> None:
    params = StdioServerParams(
        command=sys.executable,
        args=["-m", "agentparts.testing.mcp_server"],
        read_timeout_seconds=0.5,
    )
    async with McpWorkbench(params) as bench:
        slow = await bench.call_tool("sleep", {"seconds": 10})
        assert slow.is_error
        assert "did not run tool 'sleep' within 0.5 s" in slow.to_text()
        assert (await bench.call_tool("echo", {"text": "still here"})).to_text() == "still here"
        assert bench.session.starts == 1


async def test_cancellation_interrupts_a_call(stdio_params: StdioServerParams) -> None:
    async with McpWorkbench(stdio_params) as bench:
        token = CancellationToken()
        call = asyncio.create_task(bench.call_tool("sleep", {"seconds": 30}, token))
        await asyncio.sleep(0.2)
        token.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert (await bench.call_tool("echo", {"text": "ok"})).to_text() == "ok"


async def test_missing_command_is_a_clear_error() -> None:
    bench = McpWorkbench(StdioServerParams(command="/nonexistent/mcp-server"))
    with pytest.raises(McpServerError, match=r"could not be started.*Check the command"):
        await bench.start()
    result = await bench.call_tool("add", {"a": 1, "b": 2})
    assert result.is_error and "could not be started" in result.to_text()


async def test_server_that_exits_at_once_shows_its_stderr() -> None:
    script = "import sys; sys.stderr.write('config ' + 'file missing'); sys.exit(2)"
    bench = McpWorkbench(StdioServerParams(command=sys.executable, args=["-c", script]))
    with pytest.raises(McpServerError) as info:
        await bench.start()
    assert "closed the connection before completing the MCP handshake" in str(info.value)
    assert str(info.value).endswith("Its last output on stderr:\nconfig file missing")
    assert not bench.session.is_running


async def test_server_that_never_answers_times_out() -> None:
    params = StdioServerParams(
        command=sys.executable,
        args=["-c", "import time; time.sleep(600)"],
        startup_timeout_seconds=1,
    )
    with pytest.raises(McpServerError, match=r"did not complete the MCP handshake within 1 s"):
        await McpWorkbench(params).start()


async def test_streamable_http(http_server_url: str) -> None:
    async with McpWorkbench(StreamableHttpServerParams(url=http_server_url)) as bench:
        names = {s["name"] for s in await bench.list_tools()}
        assert "add" in names
        assert (await bench.call_tool("add", {"a": 1, "b": 1})).to_text() == "2"
        assert (await bench.call_tool("call_count")).to_text() == "2"


async def test_unreachable_http_server_is_a_clear_error() -> None:
    params = StreamableHttpServerParams(url="http://127.0.0.1:9/mcp", startup_timeout_seconds=5)
    with pytest.raises(McpServerError, match=r"127\.0\.0\.1:9"):
        await McpWorkbench(params).start()


async def test_overrides(stdio_params: StdioServerParams) -> None:
    overrides = {"add": ToolOverride(name="plus", description="Sum.")}
    async with McpWorkbench(stdio_params, overrides) as bench:
        schemas = {s["name"]: s for s in await bench.list_tools()}
        assert "add" not in schemas
        assert schemas["plus"].get("description") == "Sum."
        assert (await bench.call_tool("plus", {"a": 3, "b": 4})).to_text() == "7"


async def test_round_trip_as_component_with_masked_env(stdio_params: StdioServerParams) -> None:
    params = stdio_params.model_copy(update={"env": {"API_TOKEN": "s3cret"}})
    params = StdioServerParams.model_validate(params.model_dump())
    model = McpWorkbench(params).dump_component()
    assert model.provider == "agentparts.tools.mcp.McpWorkbench"
    written = model.model_dump(mode="json")  # as saved to a file
    assert written["config"]["server_params"]["env"] == {"API_TOKEN": "**********"}
    with pytest.raises(SecretError, match="masked secret"):
        Workbench.load_component(written)
    full = McpWorkbench(params).dump_component(include_secrets=True)
    loaded = Workbench.load_component(full)
    assert isinstance(loaded, McpWorkbench)
    assert loaded.server_params == params
    async with loaded:
        assert (await loaded.call_tool("echo", {"text": "hi"})).to_text() == "hi"


def test_env_references_resolve_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {
        "type": "StdioServerParams",
        "command": "srv",
        "env": {"TOKEN": {"$env": "MCP_TEST_TOKEN"}},
    }
    model = ComponentModel(provider="mcp_workbench", config={"server_params": config})
    allowed = ["MCP_TEST_TOKEN"]  # a server's variables need the caller's allowance
    with pytest.raises(ComponentLoadError, match="MCP_TEST_TOKEN, which is not set"):
        Workbench.load_component(model, allowed_env=allowed)
    monkeypatch.setenv("MCP_TEST_TOKEN", "abc")
    params = StdioServerParams.model_validate(config)
    assert params.env is not None and params.env["TOKEN"].get_secret_value() == "abc"
    saved = Workbench.load_component(model, allowed_env=allowed).dump_component()
    assert saved.config["server_params"]["env"] == {"TOKEN": {"$env": "MCP_TEST_TOKEN"}}


async def test_mcp_server_tools_share_one_session(stdio_params: StdioServerParams) -> None:
    tools = await mcp_server_tools(stdio_params)
    try:
        by_name = {t.name: t for t in tools}
        add = by_name["add"]
        assert isinstance(add, McpToolAdapter)
        assert add.schema["parameters"].get("required") == ["a", "b"]
        token = CancellationToken()
        result = await add.run_json({"a": 5, "b": 6}, token)
        assert add.return_value_as_string(result) == "11"
        assert add.return_value_as_string(await by_name["call_count"].run_json({}, token)) == "2"
        with pytest.raises(ToolError, match="boom"):
            await by_name["fail"].run_json({"message": "boom"}, token)
        loaded = BaseTool.load_component(add.dump_component())
        assert isinstance(loaded, McpToolAdapter)
        assert loaded.schema == add.schema
        await loaded.workbench.stop()
    finally:
        await tools[0].workbench.stop()


async def test_autogen_mcp_workbench_config_loads(stdio_params: StdioServerParams) -> None:
    autogen = {
        "provider": "autogen_ext.tools.mcp.McpWorkbench",
        "component_type": "workbench",
        "version": 1,
        "component_version": 1,
        "config": {
            "server_params": {
                "type": "StdioServerParams",
                "command": stdio_params.command,
                "args": stdio_params.args,
                "env": None,
                "cwd": None,
                "encoding": "utf-8",
                "encoding_error_handler": "strict",
                "read_timeout_seconds": 20,
            },
            "tool_overrides": {},
        },
    }
    bench = Workbench.load_component(autogen)
    assert isinstance(bench, McpWorkbench)
    async with bench:
        assert (await bench.call_tool("add", {"a": 20, "b": 22})).to_text() == "42"


async def test_autogen_stdio_tool_adapter_config_loads(stdio_params: StdioServerParams) -> None:
    autogen = {
        "provider": "autogen_ext.tools.mcp.StdioMcpToolAdapter",
        "component_type": "tool",
        "config": {
            "server_params": {
                "type": "StdioServerParams",
                "command": stdio_params.command,
                "args": stdio_params.args,
                "read_timeout_seconds": 20,
            },
            "tool": {
                "name": "add",
                "description": "Add two integers.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                    "required": ["a", "b"],
                },
            },
        },
    }
    tool = BaseTool.load_component(autogen)
    assert isinstance(tool, McpToolAdapter)
    assert tool.schema["parameters"].get("required") == ["a", "b"]
    try:
        result = await tool.run_json({"a": 1, "b": 2}, CancellationToken())
        assert tool.return_value_as_string(result) == "3"
    finally:
        await tool.workbench.stop()


async def test_concurrent_first_calls_share_one_server(stdio_params: StdioServerParams) -> None:
    bench = McpWorkbench(stdio_params)  # not started: the first calls start it, once
    try:
        results = await asyncio.gather(
            *(bench.call_tool("sleep", {"seconds": 0.2}) for _ in range(8)),
            bench.call_tool("pid"),
            bench.call_tool("pid"),
        )
        assert not any(r.is_error for r in results)
        assert results[-1].to_text() == results[-2].to_text()
        assert bench.session.starts == 1
    finally:
        await bench.stop()
    assert not bench.session.is_running


async def test_adapters_in_a_static_workbench_keep_images(stdio_params: StdioServerParams) -> None:
    from agentparts.tools import StaticWorkbench

    tools = await mcp_server_tools(stdio_params)
    try:
        bench = StaticWorkbench(tools)
        result = await bench.call_tool("pixel")
        assert isinstance(result.result[0], ImageResultContent)
        failed = await bench.call_tool("fail", {"message": "nope"})
        assert failed.is_error and "nope" in failed.to_text()
    finally:
        await tools[0].workbench.stop()
