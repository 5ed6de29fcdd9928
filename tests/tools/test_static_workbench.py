"""StaticWorkbench: listing, calling, errors returned to the model, overrides, save/load."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken, Image
from agentparts.errors import ToolError
from agentparts.tools import (
    FunctionTool,
    ImageResultContent,
    StaticWorkbench,
    TextResultContent,
    Tool,
    ToolOverride,
    ToolResult,
    ToolSchema,
    Workbench,
)

from .conftest import add, fail, slow_echo

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def one_pixel() -> Image:
    """A tiny image."""
    return Image.from_base64(PNG)


@pytest.fixture
def bench() -> StaticWorkbench:
    return StaticWorkbench([FunctionTool(add), FunctionTool(fail), FunctionTool(slow_echo)])


async def test_lists_schemas_and_calls_tools(bench: StaticWorkbench) -> None:
    async with bench:
        names = [s["name"] for s in await bench.list_tools()]
        assert names == ["add", "fail", "slow_echo"]
        result = await bench.call_tool("add", {"a": 1, "b": 2}, call_id="c1")
    assert result == ToolResult(name="add", result=[TextResultContent(content="3")])
    assert result.to_text() == "3"
    # built without validation on the fast path: it must still serialize like a validated one
    assert ToolResult.model_validate_json(result.model_dump_json()) == result
    assert result.model_fields_set >= {"name", "result"}


async def test_unknown_tool_is_an_error_result(bench: StaticWorkbench) -> None:
    result = await bench.call_tool("multiply", {"a": 1})
    assert result.is_error
    assert "Unknown tool 'multiply'" in result.to_text()
    assert "add, fail, slow_echo" in result.to_text()


async def test_bad_arguments_are_an_error_result(bench: StaticWorkbench) -> None:
    result = await bench.call_tool("add", {"a": "one"})
    assert result.is_error
    assert "a: Input should be a valid integer" in result.to_text()
    assert "b: Field required" in result.to_text()
    missing = await bench.call_tool("add")
    assert missing.is_error and "Field required" in missing.to_text()


async def test_raising_tool_is_an_error_result(bench: StaticWorkbench) -> None:
    result = await bench.call_tool("fail", {"reason": "disk full"})
    assert result.is_error
    assert result.to_text() == "Tool 'fail' failed: RuntimeError: broken: disk full"


async def test_images_come_back_as_image_content() -> None:
    bench = StaticWorkbench([FunctionTool(one_pixel)])
    result = await bench.call_tool("one_pixel")
    assert isinstance(result.result[0], ImageResultContent)
    assert result.to_text(replace_image="<image>") == "<image>"
    assert result.to_text().startswith("data:image/png;base64,")
    assert ToolResult.model_validate_json(result.model_dump_json()) == result


async def test_overrides_rename_and_redescribe() -> None:
    bench = StaticWorkbench(
        [FunctionTool(add)], {"add": ToolOverride(name="plus", description="Sum two numbers.")}
    )
    [schema] = await bench.list_tools()
    assert (schema["name"], schema["description"]) == ("plus", "Sum two numbers.")
    assert (await bench.call_tool("plus", {"a": 2, "b": 2})).to_text() == "4"
    assert (await bench.call_tool("add", {"a": 2, "b": 2})).is_error


def test_duplicate_names_and_bad_overrides_are_refused() -> None:
    with pytest.raises(ToolError, match="Two tools are named 'add'"):
        StaticWorkbench([FunctionTool(add), FunctionTool(add)])
    with pytest.raises(ToolError, match="'sub', which is not one of the tools"):
        StaticWorkbench([FunctionTool(add)], {"sub": ToolOverride(name="minus")})


async def test_round_trip_as_component(bench: StaticWorkbench) -> None:
    bench = StaticWorkbench([FunctionTool(add)], {"add": ToolOverride(name="plus")})
    model = bench.dump_component()
    assert model.provider == "agentparts.tools.StaticWorkbench"
    assert model.component_type == "workbench"
    assert model.config["tools"][0]["config"]["function"] == "tests.tools.conftest:add"
    loaded = Workbench.load_component(model)
    assert isinstance(loaded, StaticWorkbench)
    assert await loaded.list_tools() == await bench.list_tools()
    assert (await loaded.call_tool("plus", {"a": 1, "b": 1})).to_text() == "2"


async def test_state_of_stateless_tools(bench: StaticWorkbench) -> None:
    state = await bench.save_state()
    assert state == {"tools": {"add": {}, "fail": {}, "slow_echo": {}}}
    await bench.load_state(state)


class UpperTool:
    """A tool that only follows the Tool protocol (no BaseTool, not a component)."""

    name = "upper"
    description = "Upper-case text."
    schema: ToolSchema = {"name": "upper", "description": "Upper-case text."}

    def args_type(self) -> type[BaseModel]:
        return BaseModel

    def return_type(self) -> type[Any]:
        return str

    def state_type(self) -> type[BaseModel] | None:
        return None

    def return_value_as_string(self, value: Any) -> str:
        return str(value)

    async def run_json(
        self,
        args: Mapping[str, Any],
        cancellation_token: CancellationToken,
        call_id: str | None = None,
    ) -> Any:
        return str(args.get("text", "")).upper()

    async def save_state_json(self) -> Mapping[str, Any]:
        return {}

    async def load_state_json(self, state: Mapping[str, Any]) -> None:
        return None


async def test_any_tool_protocol_object_works_but_cannot_be_saved() -> None:
    tool = UpperTool()
    assert isinstance(tool, Tool)
    bench = StaticWorkbench([tool])
    assert (await bench.call_tool("upper", {"text": "hi"})).to_text() == "HI"
    with pytest.raises(ToolError, match="'upper' \\(UpperTool\\) is not a component"):
        bench.dump_component()
