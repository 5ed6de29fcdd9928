"""The tool interface: ``Tool``, its schema types, ``BaseTool`` and ``BaseToolWithState``."""

from __future__ import annotations

import copy
import inspect
import json
import logging
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, NotRequired, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError
from typing_extensions import TypedDict

from .._cancellation_token import CancellationToken
from .._component import ComponentBase
from .._constants import EVENT_LOGGER_NAME
from ..errors import ToolArgumentsError, ToolError
from ..logging import ToolCallEvent, emit

__all__ = [
    "BaseTool",
    "BaseToolWithState",
    "ParametersSchema",
    "Tool",
    "ToolSchema",
    "describe_validation_error",
    "generic_args",
    "parameters_schema",
    "value_as_string",
]

ArgsT = TypeVar("ArgsT", bound=BaseModel, contravariant=True)
ReturnT = TypeVar("ReturnT", covariant=True)
StateT = TypeVar("StateT", bound=BaseModel)

_event_logger = logging.getLogger(EVENT_LOGGER_NAME)


class ParametersSchema(TypedDict):
    """The JSON schema of a tool's arguments (always an object)."""

    type: str
    properties: dict[str, Any]
    required: NotRequired[Sequence[str]]
    additionalProperties: NotRequired[bool]


class ToolSchema(TypedDict):
    """What a model is told about a tool: name, description, parameters, strictness."""

    parameters: NotRequired[ParametersSchema]
    name: str
    description: NotRequired[str]
    strict: NotRequired[bool]


@runtime_checkable
class Tool(Protocol):
    """Anything an agent can call: a name, a schema, and ``run_json``."""

    @property
    def name(self) -> str:
        """The name the model calls the tool by."""
        ...

    @property
    def description(self) -> str:
        """What the tool does, for the model."""
        ...

    @property
    def schema(self) -> ToolSchema:
        """The schema sent to the model."""
        ...

    def args_type(self) -> type[BaseModel]:
        """The Pydantic model of the arguments."""
        ...

    def return_type(self) -> type[Any]:
        """The type ``run`` returns."""
        ...

    def state_type(self) -> type[BaseModel] | None:
        """The Pydantic model of the tool's state, if it has one."""
        ...

    def return_value_as_string(self, value: Any) -> str:
        """The text given back to the model for a return value."""
        ...

    async def run_json(
        self,
        args: Mapping[str, Any],
        cancellation_token: CancellationToken,
        call_id: str | None = None,
    ) -> Any:
        """Validate ``args`` against the schema and run the tool."""
        ...

    async def save_state_json(self) -> Mapping[str, Any]:
        """The tool's state as JSON-compatible data."""
        ...

    async def load_state_json(self, state: Mapping[str, Any]) -> None:
        """Restore state saved by :meth:`save_state_json`."""
        ...


class BaseTool(ComponentBase[BaseModel], Tool, ABC, Generic[ArgsT, ReturnT]):
    """Base class of tools whose arguments are a Pydantic model.

    Subclasses implement :meth:`run`. The schema is built from the args model: field
    descriptions, defaults and required fields. A subclass that does not call
    ``BaseTool.__init__`` still works: its name is the class name, its description the
    class docstring, and its args and return types come from ``BaseTool[Args, Return]``.

    Args:
        args_type: The Pydantic model of the arguments (default: from the generic base).
        return_type: The type ``run`` returns (default: from the generic base).
        name: The tool name (default: the class name).
        description: What the tool does (default: the class docstring).
        strict: Strict schema: no extra properties and every field required, as
            OpenAI's structured outputs require.

    Example:
        >>> from pydantic import BaseModel, Field
        >>> class AddArgs(BaseModel):
        ...     a: int = Field(description="first number")
        ...     b: int = 0
        >>> class Add(BaseTool[AddArgs, int]):
        ...     '''Add two numbers.'''
        ...     async def run(self, args: AddArgs, cancellation_token: CancellationToken) -> int:
        ...         return args.a + args.b
        >>> Add().schema["parameters"]["required"]
        ['a']
    """

    component_type: ClassVar[str] = "tool"

    def __init__(
        self,
        args_type: type[ArgsT] | None = None,
        return_type: type[Any] | None = None,
        name: str | None = None,
        description: str | None = None,
        strict: bool = False,
    ) -> None:
        if args_type is not None:
            self._args_type = args_type
        if return_type is not None:
            self._return_type = return_type
        if name is not None:
            self._name = name
        if description is not None:
            self._description = description
        self._strict = strict

    # Properties read lazily so that subclasses that skip __init__ still work.

    @property
    def name(self) -> str:
        """The tool name (the class name unless given)."""
        name: str | None = vars(self).get("_name")
        return name if name is not None else type(self).__name__

    @property
    def description(self) -> str:
        """What the tool does (the class docstring unless given)."""
        description: str | None = vars(self).get("_description")
        if description is not None:
            return description
        doc = type(self).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else self.name

    @property
    def strict(self) -> bool:
        """Whether the schema is strict (no extra properties, every field required)."""
        return bool(vars(self).get("_strict", False))

    def args_type(self) -> type[BaseModel]:
        """The Pydantic model of the arguments."""
        found: type[BaseModel] | None = vars(self).get("_args_type")
        if found is None:
            arg = generic_args(type(self))[0]
            if not (isinstance(arg, type) and issubclass(arg, BaseModel)):
                raise ToolError(
                    f"{type(self).__name__} does not say what its arguments are: subclass "
                    "BaseTool[ArgsModel, ReturnType] with a Pydantic ArgsModel, or pass "
                    "args_type= to BaseTool.__init__()."
                )
            found = arg
            vars(self)["_args_type"] = found
        return found

    def return_type(self) -> type[Any]:
        """The type ``run`` returns (``object`` if unknown)."""
        found: type[Any] | None = vars(self).get("_return_type")
        if found is None:
            arg = generic_args(type(self))[1]
            found = arg if isinstance(arg, type) else object
            vars(self)["_return_type"] = found
        return found

    def state_type(self) -> type[BaseModel] | None:
        """The Pydantic model of the state (``None``: stateless)."""
        return None

    @property
    def schema(self) -> ToolSchema:
        """The schema sent to the model, built from the args model (a fresh copy each time)."""
        key = (self.name, self.description, self.strict, self.args_type())
        cached: tuple[Any, ToolSchema] | None = vars(self).get("_schema_cache")
        if cached is None or cached[0] != key:
            parameters = parameters_schema(key[3], strict=key[2])
            schema = ToolSchema(name=key[0], description=key[1], parameters=parameters)
            if key[2]:
                schema["strict"] = True
            cached = (key, schema)
            vars(self)["_schema_cache"] = cached
        return typing.cast(ToolSchema, _copy_json(cached[1]))

    def return_value_as_string(self, value: Any) -> str:
        """The text given back to the model: JSON for Pydantic models, lists and dicts.

        A Pydantic model gives ``json.dumps(value.model_dump())``, as in AutoGen.
        """
        return value_as_string(value)

    @abstractmethod
    async def run(self, args: ArgsT, cancellation_token: CancellationToken) -> ReturnT:
        """Run the tool with validated arguments."""

    async def run_json(
        self,
        args: Mapping[str, Any],
        cancellation_token: CancellationToken,
        call_id: str | None = None,
    ) -> Any:
        """Validate ``args`` and run the tool.

        Args:
            args: The arguments, as decoded from the model's JSON.
            cancellation_token: Cancels the run.
            call_id: The id of the model's tool call, for logging.

        Raises:
            ToolArgumentsError: the arguments do not match the schema; the message says
                which and how, in words meant for the model.
        """
        args_type = self.args_type()
        try:
            validated = args_type.model_validate(args)
        except ValidationError as exc:
            raise ToolArgumentsError(
                describe_validation_error(self.name, exc, args_type, strict=self.strict), exc
            ) from None
        if self.strict:
            extra = sorted(set(args) - set(args_type.model_fields))
            if extra:
                raise ToolArgumentsError(
                    f"Invalid arguments for tool {self.name!r}: unexpected argument(s) "
                    f"{', '.join(extra)}. Expected only: {_expected(args_type)}."
                )
        result = await self.run(typing.cast(ArgsT, validated), cancellation_token)
        if _event_logger.isEnabledFor(logging.INFO):
            emit(
                ToolCallEvent(
                    tool_name=self.name,
                    call_id=call_id,
                    arguments=dict(args),
                    result=self.return_value_as_string(result),
                )
            )
        return result

    async def save_state_json(self) -> Mapping[str, Any]:
        """The tool's state (stateless tools: an empty mapping)."""
        return {}

    async def load_state_json(self, state: Mapping[str, Any]) -> None:
        """Restore state (stateless tools: nothing to do)."""


class BaseToolWithState(BaseTool[ArgsT, ReturnT], ABC, Generic[ArgsT, ReturnT, StateT]):
    """A tool with state that can be saved and restored as a Pydantic model.

    Args:
        args_type: The Pydantic model of the arguments.
        return_type: The type ``run`` returns.
        state_type: The Pydantic model of the state.
        name: The tool name.
        description: What the tool does.
        strict: Strict schema (see :class:`BaseTool`).
    """

    def __init__(
        self,
        args_type: type[ArgsT] | None = None,
        return_type: type[Any] | None = None,
        state_type: type[StateT] | None = None,
        name: str | None = None,
        description: str | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(args_type, return_type, name, description, strict)
        if state_type is not None:
            self._state_type = state_type

    def state_type(self) -> type[BaseModel] | None:
        """The Pydantic model of the state."""
        found: type[BaseModel] | None = vars(self).get("_state_type")
        if found is None:
            args = generic_args(type(self))
            arg = args[2] if len(args) > 2 else None
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found = arg
                vars(self)["_state_type"] = found
        return found

    @abstractmethod
    def save_state(self) -> StateT:
        """The current state."""

    @abstractmethod
    def load_state(self, state: StateT) -> None:
        """Restore a state returned by :meth:`save_state`."""

    async def save_state_json(self) -> Mapping[str, Any]:
        """The state as JSON-compatible data."""
        return self.save_state().model_dump(mode="json")

    async def load_state_json(self, state: Mapping[str, Any]) -> None:
        """Validate and restore a state saved by :meth:`save_state_json`."""
        state_type = self.state_type()
        if state_type is None:
            raise ToolError(
                f"{type(self).__name__} does not say what its state is: subclass "
                "BaseToolWithState[Args, Return, StateModel] or pass state_type=."
            )
        self.load_state(typing.cast(StateT, state_type.model_validate(state)))


def generic_args(cls: type) -> tuple[Any, ...]:
    """The type arguments given to the nearest concrete ``BaseTool[...]`` base of ``cls``."""
    for klass in cls.__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = typing.get_origin(base)
            if isinstance(origin, type) and issubclass(origin, BaseTool):
                args = typing.get_args(base)
                if args and not isinstance(args[0], TypeVar):
                    return (*args, None, None)
    return (None, None, None)


def parameters_schema(args_type: type[BaseModel], *, strict: bool = False) -> ParametersSchema:
    """The parameters schema of an args model, with ``$ref`` definitions inlined."""
    model_schema = args_type.model_json_schema()
    defs: dict[str, Any] = model_schema.pop("$defs", {})
    if defs:
        model_schema = _inline_refs(model_schema, defs, ())
    properties: dict[str, Any] = model_schema.get("properties", {})
    parameters = ParametersSchema(
        type="object",
        properties=properties,
        required=list(model_schema.get("required", [])),
        additionalProperties=bool(model_schema.get("additionalProperties", False)),
    )
    if strict:
        parameters["required"] = list(properties)
        parameters["additionalProperties"] = False
        _close_objects(properties)
    return parameters


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        mapping = typing.cast(dict[str, Any], node)
        ref = mapping.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            key = ref.removeprefix("#/$defs/")
            if key in seen or key not in defs:  # recursive model: leave an open object
                return {"type": "object"}
            inlined = _inline_refs(defs[key], defs, (*seen, key))
            rest = {k: v for k, v in mapping.items() if k != "$ref"}
            return {**inlined, **_inline_refs(rest, defs, seen)}
        return {k: _inline_refs(v, defs, seen) for k, v in mapping.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs, seen) for v in typing.cast(list[Any], node)]
    return node


def _close_objects(properties: dict[str, Any]) -> None:
    for prop in properties.values():
        _close_object(prop)


def _close_object(node: Any) -> None:
    if isinstance(node, dict):
        mapping = typing.cast(dict[str, Any], node)
        if mapping.get("type") == "object" and isinstance(mapping.get("properties"), dict):
            props = typing.cast(dict[str, Any], mapping["properties"])
            mapping["additionalProperties"] = False
            mapping["required"] = list(props)
        for key, value in mapping.items():
            if key == "properties" and isinstance(value, dict):
                _close_objects(typing.cast(dict[str, Any], value))
            elif key != "properties":
                _close_object(value)
    elif isinstance(node, list):
        for item in typing.cast(list[Any], node):
            _close_object(item)


def _expected(args_type: type[BaseModel]) -> str:
    parts: list[str] = []
    for field_name, field in args_type.model_fields.items():
        annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
        required = "required" if field.is_required() else f"default {field.default!r}"
        parts.append(f"{field_name} ({annotation}, {required})")
    return ", ".join(parts) or "no arguments"


def describe_validation_error(
    tool_name: str, exc: ValidationError, args_type: type[BaseModel], *, strict: bool = False
) -> str:
    """A message telling a model which arguments were wrong and what is expected."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"]) or "(arguments)"
        detail = error["msg"]
        if error["type"] != "missing" and loc != "(arguments)":
            detail += f", got {_short(error.get('input'))}"
        problems.append(f"{loc}: {detail}")
    return (
        f"Invalid arguments for tool {tool_name!r}: {'; '.join(problems)}. "
        f"Expected arguments: {_expected(args_type)}. Call the tool again with corrected arguments."
    )


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): about 6x cheaper than deepcopy."""
    if type(value) is dict:
        return {key: _copy_json(item) for key, item in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if type(value) is list:
        return [_copy_json(item) for item in value]  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, str | int | float | bool | None):
        return value
    return copy.deepcopy(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def value_as_string(value: Any) -> str:
    """Text for a tool's return value: JSON for models, lists and dicts; ``str`` otherwise.

    A Pydantic model is ``json.dumps(model.model_dump())`` as in AutoGen (``str()`` of a
    dump that is not a dict); values ``json`` cannot write fall back to Pydantic's JSON.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        # As AutoGen: json.dumps of the dump (a non-dict dump, a RootModel's, as str()).
        dumped = value.model_dump()
        if not isinstance(dumped, dict):
            return str(dumped)
        try:
            return json.dumps(dumped)
        except (TypeError, ValueError):  # dates, sets...: where AutoGen fails, Pydantic's JSON
            return value.model_dump_json()
    if isinstance(value, list | tuple | dict):
        try:
            return json.dumps(value, default=_json_default, ensure_ascii=False)
        except (TypeError, ValueError):
            return str(value)  # pyright: ignore[reportUnknownArgumentType]
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
