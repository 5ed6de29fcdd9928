"""``ToolTests``: the conformance suite for tools."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from .._cancellation_token import CancellationToken
from ..models import ChatCompletionClient
from ..tools import BaseTool, Tool
from ._suite_common import (
    check_bad_config_is_refused,
    check_round_trip,
    check_wrong_type_is_refused,
)

__all__ = ["ToolTests", "check_json_schema"]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_WRONG_VALUE_FOR: dict[str, Any] = {
    "string": {"conformance": "an object, not a string"},
    "integer": "conformance-not-an-integer",
    "number": "conformance-not-a-number",
    "boolean": "conformance-not-a-boolean",
    "array": "conformance-not-an-array",
    "object": "conformance-not-an-object",
}


class ToolTests:
    """Conformance tests for a :class:`~agentparts.tools.Tool`.

    Subclass it in a test module (the class name must start with ``Test``), define a
    ``tool`` fixture that returns the tool, and set :attr:`valid_args` (or override the
    ``tool_args`` fixture) to arguments it runs with. Run with pytest-asyncio.

    Checked: the schema is valid JSON Schema (with ``jsonschema`` if it is installed) with
    a valid name and a description; the valid arguments match the schema and the tool runs
    with them; a missing or wrongly typed argument raises an error that names it; the
    tool's state saves and loads; the tool saves and loads back unchanged and refuses
    invalid configs.

    Attributes:
        valid_args: Arguments the tool runs with successfully.
        expected_text: The text the valid arguments give (``return_value_as_string`` of
            the result); set it and the suite checks the result's value. Left unset, it
            checks only that the result converts to text.
        allowed_providers: Provider prefixes to allow when loading the saved tool (for
            example the package of the function a ``FunctionTool`` wraps).

    Example:
        >>> import pytest
        >>> from agentparts.tools import FunctionTool
        >>> def add(a: int, b: int = 0) -> int:
        ...     '''Add two numbers.'''
        ...     return a + b
        >>> class TestAddTool(ToolTests):
        ...     valid_args = {"a": 1, "b": 2}
        ...     @pytest.fixture
        ...     def tool(self) -> FunctionTool:
        ...         return FunctionTool(add, description="Add two numbers.")
    """

    valid_args: ClassVar[Mapping[str, Any]] = {}
    expected_text: ClassVar[str | None] = None
    allowed_providers: ClassVar[tuple[str, ...]] = ()

    @pytest.fixture
    def tool_args(self) -> dict[str, Any]:
        """Arguments the tool runs with (by default :attr:`valid_args`)."""
        return dict(self.valid_args)

    def test_schema_is_valid_json_schema(self, tool: Tool) -> None:
        """The parameters are a valid JSON Schema of an object; the schema is JSON."""
        schema = tool.schema
        json.dumps(schema)
        parameters: Mapping[str, Any] = schema.get("parameters", {"type": "object"})
        assert parameters.get("type") == "object", "the parameters schema must be an object"
        properties: Mapping[str, Any] = parameters.get("properties", {})
        missing = [name for name in parameters.get("required", ()) if name not in properties]
        assert not missing, f"required names no property: {missing}"
        check_json_schema(parameters)

    def test_schema_names_and_describes_the_tool(self, tool: Tool) -> None:
        """The schema's name is the tool's, valid for model APIs; there is a description."""
        schema = tool.schema
        assert schema["name"] == tool.name
        assert _NAME.match(tool.name), (
            f"tool name {tool.name!r} must be 1-64 letters, digits, '_' or '-' for model APIs"
        )
        assert isinstance(tool.description, str) and tool.description.strip(), (
            "the tool has no description: the model will not know when to call it"
        )

    def test_valid_args_match_the_schema(self, tool: Tool, tool_args: dict[str, Any]) -> None:
        """The valid arguments validate against the schema sent to the model."""
        parameters: Mapping[str, Any] = tool.schema.get("parameters", {"type": "object"})
        jsonschema = _jsonschema()
        if jsonschema is None:
            required = set(parameters.get("required", ()))
            assert required <= set(tool_args), (
                f"valid_args lacks {sorted(required - set(tool_args))}"
            )
        else:
            jsonschema.validate(tool_args, dict(parameters))

    async def test_runs_with_valid_args(self, tool: Tool, tool_args: dict[str, Any]) -> None:
        """The tool runs with the valid arguments; its text is :attr:`expected_text` if set."""
        result = await tool.run_json(tool_args, CancellationToken(), call_id="conformance-1")
        text = tool.return_value_as_string(result)
        assert isinstance(text, str), f"the result's text is a {type(text).__name__}"
        if self.expected_text is not None:
            assert text == self.expected_text, (
                f"the valid arguments gave {text!r}, expected {self.expected_text!r}"
            )

    async def test_missing_argument_is_a_clear_error(
        self, tool: Tool, tool_args: dict[str, Any]
    ) -> None:
        """Leaving out a required argument raises a ``ValueError`` that names it."""
        required = list(tool.schema.get("parameters", {}).get("required", ()))
        if not required:
            pytest.skip("the tool has no required argument")
        name = required[0]
        args = {k: v for k, v in tool_args.items() if k != name}
        with pytest.raises(ValueError, match=re.escape(name)):
            await tool.run_json(args, CancellationToken(), call_id="conformance-2")

    async def test_wrongly_typed_argument_is_a_clear_error(
        self, tool: Tool, tool_args: dict[str, Any]
    ) -> None:
        """An argument of the wrong JSON type raises a ``ValueError`` that names it."""
        properties: Mapping[str, Any] = tool.schema.get("parameters", {}).get("properties", {})
        typed = [
            (name, _WRONG_VALUE_FOR[str(prop.get("type"))])  # pyright: ignore[reportUnknownMemberType,reportUnknownArgumentType]
            for name, prop in properties.items()
            if isinstance(prop, Mapping) and prop.get("type") in _WRONG_VALUE_FOR  # pyright: ignore[reportUnknownMemberType]
        ]
        if not typed:
            pytest.skip("no argument has a simple JSON type")
        name, wrong = typed[0]
        args = {**tool_args, name: wrong}
        with pytest.raises(ValueError, match=re.escape(name)):
            await tool.run_json(args, CancellationToken(), call_id="conformance-3")

    async def test_state_saves_and_loads(self, tool: Tool) -> None:
        """``save_state_json`` gives JSON data that ``load_state_json`` accepts."""
        state = await tool.save_state_json()
        json.dumps(dict(state))
        await tool.load_state_json(state)

    def test_dump_load_round_trip(self, tool: Tool) -> None:
        """The tool saves, loads back as the same class, and saves the same again."""
        check_round_trip(tool, BaseTool, self.allowed_providers)

    def test_invalid_config_is_refused(self, tool: Tool) -> None:
        """A config with an invalid value fails to load, naming the field."""
        check_bad_config_is_refused(tool, self.allowed_providers)

    def test_loading_as_another_type_is_refused(self, tool: Tool) -> None:
        """The saved tool cannot be loaded where a model client is expected."""
        check_wrong_type_is_refused(tool, ChatCompletionClient, self.allowed_providers)


def _jsonschema() -> Any:
    try:
        import jsonschema
    except ImportError:
        return None
    return jsonschema


def check_json_schema(schema: Mapping[str, Any]) -> None:
    """Check that ``schema`` is a valid JSON Schema (draft 2020-12).

    Uses ``jsonschema`` when it is installed; otherwise checks the structure that model
    APIs rely on (types are known names, ``properties`` is an object of schemas).

    Raises:
        AssertionError: The schema is not valid; the message says where.
    """
    jsonschema = _jsonschema()
    if jsonschema is not None:
        try:
            jsonschema.Draft202012Validator.check_schema(dict(schema))
        except jsonschema.SchemaError as exc:
            raise AssertionError(
                f"invalid JSON Schema at {list(exc.path)}: {exc.message}"
            ) from None
        return
    _check_node(schema, "parameters")


_TYPES = {"string", "integer", "number", "boolean", "array", "object", "null"}


def _check_node(node: Any, where: str) -> None:
    assert isinstance(node, Mapping), f"{where} is not a schema object"
    mapping: Mapping[str, Any] = node  # pyright: ignore[reportUnknownVariableType]
    kind = mapping.get("type")
    kinds: list[Any] = (
        list(kind) if isinstance(kind, list) else [kind] if kind is not None else []  # pyright: ignore[reportUnknownArgumentType]
    )
    unknown = [k for k in kinds if k not in _TYPES]  # pyright: ignore[reportUnknownVariableType]
    assert not unknown, f"{where}.type has unknown types {unknown}"
    properties = mapping.get("properties", {})
    assert isinstance(properties, Mapping), f"{where}.properties is not an object"
    for key, value in properties.items():  # pyright: ignore[reportUnknownVariableType]
        _check_node(value, f"{where}.properties.{key}")
    if "items" in mapping and isinstance(mapping["items"], Mapping):
        _check_node(mapping["items"], f"{where}.items")
