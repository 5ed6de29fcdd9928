"""FunctionTool behaviours where AutoGen's are the contract (issue 19)."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, RootModel

from agentparts import CancellationToken
from agentparts.tools import FunctionTool


def described(  # noqa: D417 (parameters left undescribed on purpose)
    a: int,
    b: Annotated[str, "the b"],
    c: Annotated[int, Field(description="from a Field")] = 1,
    d: float = 0.5,
) -> Annotated[int, "the sum"]:
    """Mix of described and undescribed parameters.

    Args:
        d: from the docstring.
    """
    return a + c


def test_parameter_described_nowhere_gets_its_name() -> None:
    props = FunctionTool(described).schema["parameters"]["properties"]
    assert props["a"]["description"] == "a"
    assert props["b"]["description"] == "the b"
    assert props["c"]["description"] == "from a Field"
    assert props["d"]["description"] == "from the docstring."


def test_annotated_return_type_is_unwrapped() -> None:
    assert FunctionTool(described).return_type() is int


def both_required(x: int, y: str) -> str:
    return f"{x}{y}"


def test_strict_with_defaults_is_autogens_value_error_with_advice() -> None:
    with pytest.raises(ValueError, match="Default arguments are not allowed in strict mode") as e:
        FunctionTool(described, strict=True)
    assert "c, d" in str(e.value) and "strict=False" in str(e.value)
    schema = FunctionTool(both_required, strict=True).schema
    assert schema.get("strict") is True
    assert schema["parameters"].get("required") == ["x", "y"]


class Point(BaseModel):
    x: int
    label: str = "é"


Numbers = RootModel[list[int]]


def test_model_results_as_autogen_strings() -> None:
    tool = FunctionTool(both_required)
    text = tool.return_value_as_string(Point(x=1))
    assert text == json.dumps({"x": 1, "label": "é"}) == '{"x": 1, "label": "\\u00e9"}'
    assert tool.return_value_as_string(Numbers([1, 2])) == "[1, 2]"  # str() of a list dump


async def test_tool_still_runs() -> None:
    tool = FunctionTool(described)
    assert await tool.run_json({"a": 1, "b": "x"}, CancellationToken()) == 2
