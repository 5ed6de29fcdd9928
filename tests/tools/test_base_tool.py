"""BaseTool and BaseToolWithState: schemas, argument validation, results, state, the guide's tool."""

from __future__ import annotations

from typing import Any, Self

import pytest
from pydantic import BaseModel, Field

from agentparts import CancellationToken, Component, ComponentModel
from agentparts.errors import ToolArgumentsError, ToolError
from agentparts.tools import BaseTool, BaseToolWithState, Tool

# --- the extension guide's tool, as written there (import roots renamed) -----------------


class MyToolArgs(BaseModel):
    """Arguments for MyTool."""

    query: str = Field(..., description="Search query")
    max_results: int = Field(10, description="Maximum results to return")


class MyToolResult(BaseModel):
    """Result from MyTool."""

    results: list[dict]  # type: ignore[type-arg]
    count: int


class MyToolConfig(BaseModel):
    """Configuration for MyTool."""

    api_key: str
    timeout: float = 30.0


class MyTool(BaseTool[MyToolArgs, MyToolResult], Component[MyToolConfig]):
    """Custom tool implementation."""

    component_config_schema = MyToolConfig
    component_provider_override = "mypackage.MyTool"

    def __init__(self, api_key: str, timeout: float = 30.0):
        self._api_key = api_key
        self._timeout = timeout

    async def run(self, args: MyToolArgs, cancellation_token: CancellationToken) -> MyToolResult:
        """Execute the tool."""
        results = await self._search(args.query, args.max_results)
        return MyToolResult(results=results, count=len(results))

    async def _search(self, query: str, max_results: int) -> list[dict]:  # type: ignore[type-arg]
        return [{"query": query, "rank": i} for i in range(min(max_results, 2))]

    def _to_config(self) -> MyToolConfig:
        """Export configuration."""
        return MyToolConfig(api_key=self._api_key, timeout=self._timeout)

    @classmethod
    def _from_config(cls, config: MyToolConfig) -> Self:
        """Create from configuration."""
        return cls(api_key=config.api_key, timeout=config.timeout)


def test_guide_tool_without_base_init_has_name_description_and_schema() -> None:
    tool = MyTool(api_key="...")
    schema = tool.schema
    assert schema["name"] == "MyTool"
    assert schema["description"] == "Custom tool implementation."
    params = schema["parameters"]
    assert params["type"] == "object"
    assert params["properties"]["query"]["description"] == "Search query"
    assert params["properties"]["max_results"]["default"] == 10
    assert params.get("required") == ["query"]
    assert tool.args_type() is MyToolArgs
    assert tool.return_type() is MyToolResult
    assert isinstance(tool, Tool)


async def test_guide_tool_runs_and_round_trips() -> None:
    tool = MyTool(api_key="k", timeout=5)
    result = await tool.run_json({"query": "cats", "max_results": 1}, CancellationToken())
    assert result == MyToolResult(results=[{"query": "cats", "rank": 0}], count=1)
    assert (
        tool.return_value_as_string(result)
        == '{"results": [{"query": "cats", "rank": 0}], "count": 1}'
    )
    model = tool.dump_component()
    assert model.provider == "mypackage.MyTool"
    assert model.component_type == "tool"
    # Other test modules define the guide's MyTool too, under the same provider string:
    # loading through the class says which one is meant.
    loaded = MyTool.load_component(model)
    assert isinstance(loaded, MyTool)
    assert loaded._timeout == 5
    assert loaded.schema == tool.schema


async def test_bad_arguments_say_what_to_fix() -> None:
    tool = MyTool(api_key="k")
    with pytest.raises(ToolArgumentsError) as info:
        await tool.run_json({"max_results": "many"}, CancellationToken())
    message = str(info.value)
    assert "'MyTool'" in message
    assert "query: Field required" in message
    assert "max_results: Input should be a valid integer" in message
    assert "'many'" in message
    assert "query (str, required)" in message
    assert "Call the tool again" in message


# --- a tool built through __init__ -------------------------------------------------------


class Inner(BaseModel):
    label: str = Field(description="a label")


class NestedArgs(BaseModel):
    inner: Inner
    count: int = 1


class NestedTool(BaseTool[NestedArgs, list[str]]):
    async def run(self, args: NestedArgs, cancellation_token: CancellationToken) -> list[str]:
        return [args.inner.label] * args.count


def test_init_arguments_override_class_defaults_and_refs_are_inlined() -> None:
    tool = NestedTool(NestedArgs, list, name="repeat", description="Repeat a label.")
    schema = tool.schema
    assert schema["name"] == "repeat"
    assert schema["description"] == "Repeat a label."
    inner = schema["parameters"]["properties"]["inner"]
    assert "$ref" not in str(schema)
    assert inner["properties"]["label"]["description"] == "a label"
    assert "strict" not in schema


def test_description_falls_back_to_the_name_without_docstring() -> None:
    assert NestedTool().description == "NestedTool"


def test_strict_schema_requires_everything_and_closes_objects() -> None:
    tool = NestedTool(strict=True)
    schema = tool.schema
    params = schema["parameters"]
    assert schema.get("strict") is True
    assert params.get("required") == ["inner", "count"]
    assert params.get("additionalProperties") is False
    assert params["properties"]["inner"]["additionalProperties"] is False
    assert params["properties"]["inner"]["required"] == ["label"]


async def test_strict_tool_refuses_unknown_arguments() -> None:
    tool = NestedTool(strict=True)
    with pytest.raises(ToolArgumentsError, match=r"unexpected argument.*colour"):
        await tool.run_json(
            {"inner": {"label": "a"}, "count": 1, "colour": "red"}, CancellationToken()
        )
    lenient = NestedTool()
    assert await lenient.run_json(
        {"inner": {"label": "a"}, "colour": "red"}, CancellationToken()
    ) == ["a"]


def test_return_values_as_text() -> None:
    tool = NestedTool()
    assert tool.return_value_as_string(["a", "b"]) == '["a", "b"]'
    assert tool.return_value_as_string({"k": Inner(label="x")}) == '{"k": {"label": "x"}}'
    assert tool.return_value_as_string(3.5) == "3.5"
    assert tool.return_value_as_string("plain") == "plain"


def test_tool_without_generic_args_explains_itself() -> None:
    class Untyped(BaseTool):  # type: ignore[type-arg]
        async def run(self, args: Any, cancellation_token: CancellationToken) -> Any:
            return None

    with pytest.raises(ToolError, match=r"BaseTool\[ArgsModel, ReturnType\]"):
        _ = Untyped().schema


# --- state -------------------------------------------------------------------------------


class CounterArgs(BaseModel):
    step: int = 1


class CounterState(BaseModel):
    total: int


class Counter(BaseToolWithState[CounterArgs, int, CounterState]):
    """Count up."""

    def __init__(self) -> None:
        self.total = 0

    async def run(self, args: CounterArgs, cancellation_token: CancellationToken) -> int:
        self.total += args.step
        return self.total

    def save_state(self) -> CounterState:
        return CounterState(total=self.total)

    def load_state(self, state: CounterState) -> None:
        self.total = state.total


async def test_state_round_trips_through_json() -> None:
    counter = Counter()
    await counter.run_json({"step": 5}, CancellationToken())
    saved = await counter.save_state_json()
    assert saved == {"total": 5}
    fresh = Counter()
    await fresh.load_state_json(saved)
    assert await fresh.run_json({}, CancellationToken()) == 6
    assert fresh.state_type() is CounterState


async def test_stateless_tool_state_is_empty() -> None:
    tool = NestedTool()
    assert await tool.save_state_json() == {}
    await tool.load_state_json({})


def test_dump_of_a_tool_without_config_is_a_clear_error() -> None:
    with pytest.raises(NotImplementedError, match="_to_config"):
        NestedTool().dump_component()
    assert isinstance(MyTool("k").dump_component(), ComponentModel)


def test_schema_is_a_fresh_copy_each_time() -> None:
    tool = MyTool("k")
    schema = tool.schema
    schema["parameters"]["properties"].clear()
    schema["name"] = "changed"
    assert list(tool.schema["parameters"]["properties"]) == ["query", "max_results"]
    assert tool.schema["name"] == "MyTool"
