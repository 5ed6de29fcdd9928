"""FunctionTool: schemas from signatures, sync and async calls, cancellation, saving as references."""

from __future__ import annotations

import asyncio
import sys
import threading

import pytest

from agentparts import CancellationToken, ComponentModel
from agentparts.errors import (
    ComponentConfigError,
    ProviderNotAllowedError,
    ToolArgumentsError,
    ToolError,
)
from agentparts.tools import BaseTool, FunctionTool

from .conftest import Point, add, fail, norm1, slow_echo, with_token


def test_schema_from_hints_defaults_and_docstring_args() -> None:
    tool = FunctionTool(slow_echo)
    schema = tool.schema
    assert schema["name"] == "slow_echo"
    assert schema["description"] == "Echo text after a delay."
    props = schema["parameters"]["properties"]
    assert props["text"]["type"] == "string"
    assert props["text"]["description"] == "The text to echo."
    assert props["delay"]["description"] == "Seconds to wait before answering."
    assert props["delay"]["default"] == 0.0
    assert schema["parameters"].get("required") == ["text"]


def test_annotated_descriptions_and_field_constraints() -> None:
    props = FunctionTool(norm1).schema["parameters"]["properties"]
    assert props["scale"]["description"] == "multiplier"
    assert props["scale"]["minimum"] == 0
    assert props["point"]["properties"]["y"]["description"] == "vertical"
    token_props = FunctionTool(with_token).schema["parameters"]["properties"]
    assert list(token_props) == ["n"]
    assert token_props["n"]["description"] == "how many"


def test_given_name_and_description_win() -> None:
    tool = FunctionTool(add, description="Sum.", name="plus")
    assert (tool.name, tool.description) == ("plus", "Sum.")


async def test_sync_and_async_functions_run() -> None:
    token = CancellationToken()
    assert await FunctionTool(add).run_json({"a": 2, "b": 3}, token) == 5
    assert await FunctionTool(slow_echo).run_json({"text": "hi"}, token) == "hi"
    assert await FunctionTool(with_token).run_json({"n": 3}, token) == "3 True"
    result = await FunctionTool(norm1).run_json({"point": {"x": 2, "y": 4}, "scale": 0.5}, token)
    assert result == Point(x=1, y=2)


async def test_sync_functions_run_off_the_event_loop() -> None:
    def where() -> str:
        return threading.current_thread().name

    name = await FunctionTool(where).run_json({}, CancellationToken())
    assert name != threading.current_thread().name


async def test_wrong_types_and_missing_arguments() -> None:
    tool = FunctionTool(add)
    with pytest.raises(ToolArgumentsError) as info:
        await tool.run_json({"a": "two"}, CancellationToken())
    text = str(info.value)
    assert "a: Input should be a valid integer" in text
    assert "b: Field required" in text
    assert "a (int, required), b (int, required)" in text


async def test_cancellation_stops_an_async_function() -> None:
    tool = FunctionTool(slow_echo)
    token = CancellationToken()
    task = asyncio.create_task(tool.run_json({"text": "x", "delay": 30}, token))
    await asyncio.sleep(0.05)
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_async_function_runs_in_the_callers_task() -> None:
    async def which_task() -> bool:
        return asyncio.current_task() is caller

    caller = asyncio.current_task()
    assert await FunctionTool(which_task).run_json({}, CancellationToken()) is True


async def test_a_cancel_from_another_thread_stops_an_async_function_and_is_taken_back() -> None:
    tool = FunctionTool(slow_echo)
    token = CancellationToken()
    seen: list[int] = []

    async def call() -> None:
        task = asyncio.current_task()
        assert task is not None
        with pytest.raises(asyncio.CancelledError):
            await tool.run_json({"text": "x", "delay": 30}, token)
        seen.append(task.cancelling())
        # The caller's own timeout still works after the tool's cancellation.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):
                await asyncio.sleep(1)

    task = asyncio.create_task(call())
    await asyncio.sleep(0.05)
    threading.Thread(target=token.cancel).start()
    await asyncio.wait_for(task, 5)
    assert seen == [0]


async def test_an_already_cancelled_token_never_calls_the_function() -> None:
    calls: list[str] = []

    async def record() -> None:
        calls.append("called")

    token = CancellationToken()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await FunctionTool(record).run_json({}, token)
    assert calls == []


def test_var_args_cannot_be_described() -> None:
    def many(*values: int) -> int:
        return sum(values)

    with pytest.raises(ToolError, match=r"\*values"):
        FunctionTool(many)


def test_saved_as_an_import_reference_never_source() -> None:
    model = FunctionTool(add, strict=True).dump_component()
    assert model.provider == "agentparts.tools.FunctionTool"
    assert model.config == {
        "function": "tests.tools.conftest:add",
        "name": "add",
        "description": "Add two integers.",
        "strict": True,
    }
    loaded = BaseTool.load_component(model)
    assert isinstance(loaded, FunctionTool)
    assert loaded.func is add
    assert loaded.strict is True
    assert loaded.schema == FunctionTool(add, strict=True).schema


def test_lambdas_and_local_functions_cannot_be_saved() -> None:
    def local(x: int) -> int:
        return x

    with pytest.raises(ToolError, match="lambdas, nested functions"):
        FunctionTool(lambda x: x, name="ident").dump_component()  # pyright: ignore[reportUnknownLambdaType]
    with pytest.raises(ToolError, match="top-level function"):
        FunctionTool(local).dump_component()


def _model(reference: str) -> ComponentModel:
    return ComponentModel(
        provider="function_tool",
        component_type="tool",
        config={"function": reference, "name": "shout", "description": "Shout."},
    )


def test_loading_an_unknown_function_is_refused_before_import() -> None:
    module = "tests.tools._never_imported"
    assert module not in sys.modules
    with pytest.raises(ProviderNotAllowedError, match="allowed_providers=\\['tests'\\]"):
        BaseTool.load_component(_model(f"{module}:shout"))
    assert module not in sys.modules
    with pytest.raises(ProviderNotAllowedError):
        BaseTool.load_component(_model("os:system"))


async def test_allowed_functions_load() -> None:
    tool = BaseTool.load_component(
        _model("tests.tools._never_imported:shout"), allowed_providers=["tests.tools"]
    )
    assert await tool.run_json({"text": "hey"}, CancellationToken()) == "HEY"


def test_autogen_source_code_configs_load_sandboxed() -> None:
    autogen = ComponentModel(
        provider="autogen_core.tools.FunctionTool",
        component_type="tool",
        config={
            "source_code": "def add(a: int, b: int) -> int:\n    return a + b\n",
            "name": "add",
            "description": "Add.",
            "global_imports": [],
            "has_cancellation_support": False,
        },
    )
    tool = BaseTool.load_component(autogen)
    # Never exec'd here: the function exists only in the sandbox (tests/tools/
    # test_source_code_tools.py runs it).
    assert isinstance(tool, FunctionTool)
    with pytest.raises(ToolError, match="has no function in this process"):
        _ = tool.func


def test_malformed_references() -> None:
    with pytest.raises(ComponentConfigError, match="module:qualname"):
        BaseTool.load_component(_model("no_colon_here"))
    with pytest.raises(ComponentConfigError, match="has no"):
        BaseTool.load_component(_model("tests.tools.conftest:missing"), allowed_providers=["tests"])


async def test_raising_function_propagates_from_run_json() -> None:
    with pytest.raises(RuntimeError, match="broken: x"):
        await FunctionTool(fail).run_json({"reason": "x"}, CancellationToken())


def unresolved(x: NotDefinedAnywhere) -> str:  # type: ignore[name-defined]  # noqa: F821
    """Has a hint that cannot be resolved."""
    return f"got {x}"


async def test_unresolvable_hints_accept_anything() -> None:
    tool = FunctionTool(unresolved)
    assert tool.schema["parameters"].get("required") == ["x"]
    assert await tool.run_json({"x": [1]}, CancellationToken()) == "got [1]"


def test_autogen_style_arguments_are_accepted() -> None:
    tool = FunctionTool(add, "Add two integers.", "add", global_imports=["math"], strict=True)
    assert tool.strict and tool.description == "Add two integers."
