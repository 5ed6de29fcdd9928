"""StreamTool, BaseStreamTool and StaticStreamWorkbench (AutoGen's streaming tools)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken
from agentparts.errors import ToolArgumentsError, ToolError
from agentparts.tools import (
    BaseStreamTool,
    FunctionTool,
    StaticStreamWorkbench,
    StaticWorkbench,
    StreamTool,
    StreamWorkbench,
    ToolOverride,
    ToolResult,
    Workbench,
)

from .conftest import add


class CountArgs(BaseModel):
    n: int
    fail_at: int = 0


class Progress(BaseModel):
    step: int


class Count(BaseStreamTool[CountArgs, Progress, int]):
    """Count to n, reporting each step."""

    async def run_stream(
        self, args: CountArgs, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Any, None]:
        for i in range(1, args.n + 1):
            if i == args.fail_at:
                raise RuntimeError(f"broke at {i}")
            yield Progress(step=i)
        yield args.n


class WrongEnd(BaseStreamTool[CountArgs, Progress, int]):
    """Ends with a progress item, not its int result."""

    async def run_stream(
        self, args: CountArgs, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Any, None]:
        yield Progress(step=1)


class Silent(BaseStreamTool[CountArgs, Progress, int]):
    """Yields nothing."""

    async def run_stream(
        self, args: CountArgs, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Any, None]:
        if args.n < 0:
            yield 0


async def _collect(stream: AsyncGenerator[Any, None]) -> list[Any]:
    return [item async for item in stream]


async def test_stream_tool_yields_progress_then_its_result() -> None:
    tool = Count()
    assert isinstance(tool, StreamTool)
    assert not isinstance(FunctionTool(add), StreamTool)
    assert tool.return_type() is int
    assert tool.args_type() is CountArgs
    items = await _collect(tool.run_json_stream({"n": 3}, CancellationToken()))
    assert items == [Progress(step=1), Progress(step=2), Progress(step=3), 3]
    assert await tool.run_json({"n": 2}, CancellationToken()) == 2  # run: the last item


async def test_stream_tool_errors() -> None:
    with pytest.raises(ToolArgumentsError, match="n"):
        await _collect(Count().run_json_stream({"n": "many"}, CancellationToken()))
    with pytest.raises(TypeError, match="must end with a int"):
        await _collect(WrongEnd().run_json_stream({"n": 1}, CancellationToken()))
    with pytest.raises(ToolError, match="yielded nothing"):
        await _collect(Silent().run_json_stream({"n": 1}, CancellationToken()))
    with pytest.raises(ToolError, match="yielded nothing"):
        await Silent().run_json({"n": 1}, CancellationToken())


async def test_call_tool_stream_streams_progress_and_ends_with_the_result() -> None:
    bench = StaticStreamWorkbench([Count(), FunctionTool(add)])
    assert isinstance(bench, StreamWorkbench) and isinstance(bench, StaticWorkbench)
    items = await _collect(bench.call_tool_stream("Count", {"n": 2}, call_id="c1"))
    assert items[:2] == [Progress(step=1), Progress(step=2)]
    assert isinstance(items[2], ToolResult) and len(items) == 3
    assert (items[2].name, items[2].to_text(), items[2].is_error) == ("Count", "2", False)
    plain = await _collect(bench.call_tool_stream("add", {"a": 1, "b": 2}))
    assert len(plain) == 1 and plain[0].to_text() == "3"
    # call_tool still answers with the final result only
    assert (await bench.call_tool("Count", {"n": 4})).to_text() == "4"


async def test_call_tool_stream_failures_are_error_results() -> None:
    bench = StaticStreamWorkbench([Count()])
    items = await _collect(bench.call_tool_stream("Count", {"n": 5, "fail_at": 3}))
    assert items[:2] == [Progress(step=1), Progress(step=2)]  # progress before the failure
    assert items[2].is_error and "broke at 3" in items[2].to_text() and len(items) == 3
    bad_args = await _collect(bench.call_tool_stream("Count", {"n": "x"}))
    assert len(bad_args) == 1 and bad_args[0].is_error and "n" in bad_args[0].to_text()
    unknown = await _collect(bench.call_tool_stream("nope"))
    assert len(unknown) == 1 and unknown[0].is_error and "Count" in unknown[0].to_text()


async def test_call_tool_stream_uses_override_names() -> None:
    bench = StaticStreamWorkbench([Count()], {"Count": ToolOverride(name="counter")})
    assert [t["name"] for t in await bench.list_tools()] == ["counter"]
    items = await _collect(bench.call_tool_stream("counter", {"n": 1}))
    assert items[-1].name == "counter" and items[-1].to_text() == "1"


async def test_static_stream_workbench_saves_and_loads_autogen_configs() -> None:
    bench = StaticStreamWorkbench([FunctionTool(add)])
    saved = bench.dump_component()
    assert saved.provider == "agentparts.tools.StaticStreamWorkbench"
    assert saved.component_type == "workbench"
    autogen = saved.model_dump(mode="json")
    autogen["provider"] = "autogen_core.tools.StaticStreamWorkbench"
    loaded = Workbench.load_component(autogen)
    assert type(loaded) is StaticStreamWorkbench
    items = await _collect(loaded.call_tool_stream("add", {"a": 2, "b": 2}))
    assert items[-1].to_text() == "4"
    empty = Workbench.load_component(
        {"provider": "autogen_core.tools.StaticStreamWorkbench", "config": {"tools": []}}
    )
    assert isinstance(empty, StaticStreamWorkbench) and await empty.list_tools() == []
