"""The tool conformance suite, run against FunctionTool and a guide-style BaseTool."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, Field

from agentparts import CancellationToken
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.testing import ToolTests, _tool_tests, check_json_schema
from agentparts.tools import BaseTool, FunctionTool, PythonCodeExecutionTool
from agentparts.tools.search import SearchTool

from .conftest import add, lookup


class TestSyncFunctionToolConformance(ToolTests):
    valid_args: ClassVar[Mapping[str, Any]] = {"a": 2, "b": 3}
    expected_text: ClassVar[str | None] = "5"

    @pytest.fixture
    def tool(self) -> FunctionTool:
        return FunctionTool(add)


async def lookup_strict(city: str, cancellation_token: CancellationToken, units: str) -> str:
    """Look up the weather of a city (strict tools have no defaulted parameters, as in AutoGen).

    Args:
        city: The city.
        cancellation_token: Given by the tool, hidden from the schema.
        units: metric or imperial.
    """
    return await lookup(city, cancellation_token, units)


class TestAsyncFunctionToolConformance(ToolTests):
    valid_args: ClassVar[Mapping[str, Any]] = {"city": "Lyon", "units": "metric"}
    expected_text: ClassVar[str | None] = "Sunny in Lyon (metric)"

    @pytest.fixture
    def tool(self) -> FunctionTool:
        return FunctionTool(lookup_strict, strict=True)

    @pytest.fixture
    def tool_args(self) -> dict[str, Any]:
        return {"city": "Lyon", "units": "metric"}  # strict: every argument is required


class TestPythonCodeExecutionToolConformance(ToolTests):
    valid_args: ClassVar[Mapping[str, Any]] = {"code": "print(6 * 7)"}
    expected_text: ClassVar[str | None] = "42\n"

    @pytest.fixture
    def tool(self, tmp_path: Path) -> PythonCodeExecutionTool:
        return PythonCodeExecutionTool(LocalCommandLineCodeExecutor(timeout=10, work_dir=tmp_path))


class TestSearchToolConformance(ToolTests):
    valid_args: ClassVar[Mapping[str, Any]] = {"query": "kettle", "max_results": 2}
    expected_text: ClassVar[str | None] = (
        "1. notes.md - The kettle is on. (score 1.77e-06)\n   The [kettle] is on."
    )

    @pytest.fixture
    def tool(self, tmp_path: Path) -> SearchTool:
        (tmp_path / "notes.md").write_text("The kettle is on.\n", encoding="utf-8")
        return SearchTool(root=tmp_path, index_path=tmp_path / "index.db")


class GuideToolArgs(BaseModel):
    query: str = Field(..., description="Search query")
    max_results: int = Field(10, description="Maximum results to return")


class GuideTool(BaseTool[GuideToolArgs, list[str]]):
    """Search a fixed list, written as the guide writes tools (no BaseTool.__init__ call)."""

    def __init__(self, items: list[str]) -> None:
        self._items = items

    async def run(self, args: GuideToolArgs, cancellation_token: CancellationToken) -> list[str]:
        return [item for item in self._items if args.query in item][: args.max_results]


class TestGuideStyleToolConformance(ToolTests):
    valid_args: ClassVar[Mapping[str, Any]] = {"query": "tea"}
    expected_text: ClassVar[str | None] = '["green tea"]'

    @pytest.fixture
    def tool(self) -> GuideTool:
        return GuideTool(["green tea", "coffee"])


@pytest.fixture(params=["jsonschema", "fallback"])
def schema_checker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Check schemas with jsonschema, then with the kit's own checks (no jsonschema)."""
    if request.param == "fallback":
        monkeypatch.setattr(_tool_tests, "_jsonschema", lambda: None)
    else:
        assert _tool_tests._jsonschema() is not None  # pyright: ignore[reportPrivateUsage]
    return str(request.param)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": "integer"}}},
        {"type": "object", "properties": {"a": {"type": ["string", "null"]}}, "required": ["a"]},
        {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "number"}}}},
        {"type": "object", "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}},
        {"type": "object", "properties": {"a": {"type": "object", "properties": {}}}},
    ],
)
def test_check_json_schema_accepts_valid_schemas(
    schema: dict[str, Any], schema_checker: str
) -> None:
    assert check_json_schema(schema) is None, schema_checker


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": "int"}}},
        {"type": "object", "properties": {"a": {"type": ["string", "text"]}}},
        {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "float"}}}},
        {"type": "object", "properties": ["a"]},
        {"type": "object", "properties": {"a": "integer"}},
    ],
)
def test_check_json_schema_rejects_invalid_schemas(
    schema: dict[str, Any], schema_checker: str
) -> None:
    with pytest.raises(AssertionError) as raised:
        check_json_schema(schema)
    if schema_checker == "jsonschema":
        assert "invalid JSON Schema" in str(raised.value)
    else:
        assert str(raised.value).startswith("parameters")
