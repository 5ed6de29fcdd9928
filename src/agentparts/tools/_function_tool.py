"""``FunctionTool``: a tool made from a plain Python function, saved as an import reference."""

from __future__ import annotations

import functools
import inspect
import re
import sys
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    create_model,
    model_serializer,
)
from pydantic.fields import FieldInfo

from .._cancellation_token import CancellationToken, CancelScope
from .._capabilities import Capability, host_code
from .._component import Component
from .._references import import_callable
from .._secrets import exec_source_tools_on_host
from ..errors import ComponentConfigError, ProviderNotFoundError, ToolError
from ._base import BaseTool
from ._source_spec import GlobalImport
from ._worker_threads import run_in_worker_thread

__all__ = ["FunctionTool", "FunctionToolConfig", "function_reference", "import_function"]

# Functions wrapped as tools in this process may be loaded again without allowing them,
# like component classes defined in this process.
_registered_functions: dict[str, Callable[..., Any]] = {}


class FunctionToolConfig(BaseModel):
    """The saved form of a :class:`FunctionTool`.

    Attributes:
        function: Import reference ``module:qualname`` of the function.
        name: The tool name.
        description: What the tool does.
        strict: Strict schema.
        source_code: The function's source (AutoGen configs): loaded as a
            :class:`~agentparts.tools.SourceCodeFunctionTool` that runs each call in the
            sandbox, never in this process unless ``unsafe_exec_source_tools_on_host``.
        global_imports: Imports the source needs (with ``source_code`` only).
        has_cancellation_support: AutoGen's flag, kept (with ``source_code`` only).
    """

    model_config = ConfigDict(defer_build=True, extra="ignore")

    function: str | None = None
    name: str
    description: str
    strict: bool = False
    source_code: str | None = None
    global_imports: list[GlobalImport] = Field(default_factory=list[GlobalImport])
    has_cancellation_support: bool = False

    @model_serializer(mode="wrap")
    def _only_the_saved_form(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.source_code is None:  # an import reference: no source fields
            for key in ("source_code", "global_imports", "has_cancellation_support"):
                data.pop(key, None)
        elif self.function is None:
            data.pop("function", None)
        return data


class FunctionTool(BaseTool[BaseModel, Any], Component[FunctionToolConfig]):
    """A tool that calls a Python function, sync or async.

    The arguments schema comes from the type hints and defaults (``Annotated[int, "the
    count"]`` or ``Annotated[int, Field(...)]`` describe a parameter), the description
    from the docstring unless given, and per-parameter descriptions from a Google-style
    ``Args:`` section (a parameter described nowhere is described by its name, as in
    AutoGen). A parameter of type :class:`CancellationToken` receives the call's
    token and is hidden from the schema. Sync functions run in a worker thread.

    The function is saved as an import reference ``module:qualname``, not as source
    code, and loading it goes through the same allowlist as component providers. Lambdas,
    nested functions and bound methods cannot be saved. A config saved as source code
    (AutoGen) loads as a :class:`~agentparts.tools.SourceCodeFunctionTool`, whose calls
    run in the sandbox.

    Args:
        func: The function to call.
        description: What the tool does (default: the docstring's summary).
        name: The tool name (default: the function's name).
        global_imports: Accepted for AutoGen compatibility and ignored: a function saved as
            an import reference brings its own imports.
        strict: Strict schema (no extra properties, every parameter required).

    Raises:
        ValueError: ``strict=True`` and a parameter has a default (as AutoGen).

    Example:
        >>> def add(a: int, b: int = 0) -> int:
        ...     '''Add two numbers.
        ...
        ...     Args:
        ...         a: The first number.
        ...         b: The second number.
        ...     '''
        ...     return a + b
        >>> tool = FunctionTool(add)
        >>> tool.schema["description"], tool.schema["parameters"]["required"]
        ('Add two numbers.', ['a'])
    """

    component_config_schema = FunctionToolConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.FunctionTool"

    def __init__(
        self,
        func: Callable[..., Any],
        description: str | None = None,
        name: str | None = None,
        global_imports: Sequence[Any] = (),
        strict: bool = False,
    ) -> None:
        del global_imports  # AutoGen saves source code that needs them; references do not
        self._func = func
        func_any: Any = func
        target: Callable[..., Any] = (
            func_any.func if isinstance(func_any, functools.partial) else func
        )
        tool_name = name or getattr(target, "__name__", None) or type(target).__name__
        shape = _function_shape(func, tool_name, strict)
        if strict:
            _check_strict(shape.args_model, tool_name)
        self._signature = shape.signature
        self._token_param = shape.token_param
        self._positional_only = shape.positional_only
        self._is_async = shape.is_async
        super().__init__(
            shape.args_model,
            shape.return_type,
            tool_name,
            description if description is not None else (shape.doc_summary or tool_name),
            strict,
        )
        reference = _reference_or_none(target if target is func else None)
        if reference is not None:
            _registered_functions[reference] = func

    @property
    def func(self) -> Callable[..., Any]:
        """The wrapped function."""
        return self._func

    async def run(self, args: BaseModel, cancellation_token: CancellationToken) -> Any:
        """Call the function with validated arguments."""
        values = {name: getattr(args, name) for name in type(args).model_fields}
        positional = [values.pop(name) for name in self._positional_only]
        if self._token_param is not None:
            values[self._token_param] = cancellation_token
        if self._is_async:
            # Awaited in the caller's task, not a task of its own: two loop iterations and
            # about 60 µs less per call inside an agent turn.
            with CancelScope(cancellation_token, whole_block=True):
                return await self._func(*positional, **values)
        future = run_in_worker_thread(functools.partial(self._func, *positional, **values))
        cancellation_token.link_future(future)
        return await future

    def _to_config(self) -> FunctionToolConfig:
        return FunctionToolConfig(
            function=function_reference(self._func),
            name=self.name,
            description=self.description,
            strict=self.strict,
        )

    @classmethod
    def _from_config(cls, config: FunctionToolConfig) -> Self:
        if config.function is None:
            if config.source_code is not None:
                from ._source_tool import SourceCodeFunctionTool

                tool = SourceCodeFunctionTool(
                    config.source_code,
                    config.name,
                    config.description,
                    config.global_imports,
                    config.has_cancellation_support,
                    config.strict,
                    mode="host" if exec_source_tools_on_host() else "sandbox",
                )
                return typing.cast(Self, tool)
            raise ComponentConfigError(
                f"FunctionTool {config.name!r} has no config.function: set it to the "
                "function's import reference 'module:qualname'."
            )
        func = import_function(config.function)
        return cls(func, description=config.description, name=config.name, strict=config.strict)

    @classmethod
    def _capabilities(cls, config: FunctionToolConfig) -> list[Capability]:
        if config.function is None and config.source_code is not None:
            from ._source_tool import source_tool_capabilities

            return source_tool_capabilities(config, exec_source_tools_on_host())
        what = config.function or "no function reference (the load fails)"
        return [host_code(what, f"Python function of the tool {config.name!r}, in-process")]


def _reference_or_none(func: Callable[..., Any] | None) -> str | None:
    if func is None:
        return None
    try:
        return function_reference(func)
    except ToolError:
        return None


def function_reference(func: Callable[..., Any]) -> str:
    """The import reference ``module:qualname`` of ``func``.

    Raises:
        ToolError: the function cannot be found again by importing (a lambda, a nested
            function, a bound method, a partial...).
    """
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", None)
    label = qualname or repr(func)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        raise ToolError(
            f"Cannot save FunctionTool of {label}: lambdas, nested functions and partials "
            "have no import reference. Define it as a top-level function in a module."
        )
    found: Any = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is not func and found != func:
        raise ToolError(
            f"Cannot save FunctionTool of {label}: {module}:{qualname} does not import back "
            "to the same function (a bound method or a replaced name?). Wrap a top-level "
            "function instead."
        )
    return f"{module}:{qualname}"


def import_function(reference: str) -> Callable[..., Any]:
    """The function an import reference ``module:qualname`` names, if loading it is allowed.

    Functions wrapped as tools in this process load without an import; any other reference
    goes through :func:`agentparts._references.import_callable`, the one resolver of names
    in configs (allowlist, no attribute walking, no side-effect modules).

    Raises:
        ProviderNotAllowedError: the reference is not allowed; nothing was imported.
        UnsafeReferenceError: the reference walks attributes or reaches a module that runs
            code when imported.
        ComponentConfigError: the reference is malformed or names no callable.
    """
    if reference in _registered_functions:
        return _registered_functions[reference]
    module_name, sep, qualname = reference.partition(":")
    if not sep or not module_name or not qualname:
        raise ComponentConfigError(
            f"Function reference {reference!r} is not of the form 'module:qualname'."
        )
    try:
        return import_callable(reference, "function for a FunctionTool")
    except ProviderNotFoundError as exc:
        raise ComponentConfigError(str(exc)) from exc.__cause__


@dataclass(frozen=True)
class _FunctionShape:
    """What a function looks like to a model: built once per function (about 0.5 ms)."""

    signature: inspect.Signature
    args_model: type[BaseModel]
    return_type: Any
    token_param: str | None
    positional_only: tuple[str, ...]
    is_async: bool
    doc_summary: str


def _function_shape(func: Callable[..., Any], tool_name: str, strict: bool) -> _FunctionShape:
    """The shape of ``func``, cached: loading the same tool again (one agent per task in a
    batch, say) must not rebuild a Pydantic model each time."""
    try:
        hash(func)
    except TypeError:  # an unhashable callable object: build it every time
        return _build_function_shape(func, tool_name, strict)
    return _cached_function_shape(func, tool_name, strict)


def _build_function_shape(func: Callable[..., Any], tool_name: str, strict: bool) -> _FunctionShape:
    func_any: Any = func
    target: Callable[..., Any] = func_any.func if isinstance(func_any, functools.partial) else func
    doc_summary, param_docs = _parse_docstring(inspect.getdoc(target) or "")
    signature = inspect.signature(func)
    hints = _type_hints(target)
    fields: dict[str, Any] = {}
    token_param: str | None = None
    positional_only: list[str] = []
    for param in signature.parameters.values():
        annotation = hints.get(param.name, param.annotation)
        if annotation is CancellationToken or param.name == "cancellation_token":
            token_param = param.name
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ToolError(
                f"FunctionTool({tool_name}): *{param.name} parameters cannot be described "
                "to a model. Give the function explicit, typed parameters."
            )
        if param.kind is param.POSITIONAL_ONLY:
            positional_only.append(param.name)
        fields[param.name] = _field(param, annotation, param_docs.get(param.name))
    args_model: type[BaseModel] = create_model(  # pyright: ignore[reportCallIssue, reportUnknownVariableType]
        _model_name(tool_name),
        # Built on first use: a tool the model is never offered costs no validator.
        __config__=ConfigDict(defer_build=True, extra="forbid" if strict else "ignore"),
        **fields,
    )
    return_hint = hints.get("return", signature.return_annotation)
    if typing.get_origin(return_hint) is Annotated:  # Annotated[int, "..."] returns an int
        return_hint = typing.get_args(return_hint)[0]
    call_method = None if inspect.isroutine(target) else type(target).__dict__.get("__call__")
    return _FunctionShape(
        signature=signature,
        args_model=args_model,
        return_type=return_hint if isinstance(return_hint, type) else object,
        token_param=token_param,
        positional_only=tuple(positional_only),
        is_async=inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(call_method),
        doc_summary=doc_summary,
    )


_cached_function_shape = functools.lru_cache(maxsize=1024)(_build_function_shape)


def _type_hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to raw annotations
        return {}


def _field(param: inspect.Parameter, annotation: Any, doc: str | None) -> tuple[Any, FieldInfo]:
    if annotation is inspect.Parameter.empty or isinstance(annotation, str):
        annotation = Any  # missing, or a forward reference that could not be resolved
    description = doc
    if typing.get_origin(annotation) is Annotated:
        base, *metadata = typing.get_args(annotation)
        texts = [m for m in metadata if isinstance(m, str)]
        if texts:
            description = texts[0]
            rest = [m for m in metadata if not isinstance(m, str)]
            annotation = Annotated[tuple([base, *rest])] if rest else base
    default: Any = ... if param.default is inspect.Parameter.empty else param.default
    if description is None and _field_description(annotation) is not None:
        return annotation, Field(default)  # an explicit description would hide the Field's
    # As AutoGen: a parameter described nowhere is described by its name.
    return annotation, Field(default, description=description or param.name)


def _field_description(annotation: Any) -> str | None:
    """The description of a ``Field(description=...)`` in ``Annotated`` metadata, if any."""
    if typing.get_origin(annotation) is not Annotated:
        return None
    for meta in typing.get_args(annotation)[1:]:
        if isinstance(meta, FieldInfo) and meta.description is not None:
            return meta.description
    return None


def _check_strict(args_model: type[BaseModel], tool_name: str) -> None:
    """AutoGen's error for a strict tool with defaulted parameters, with what to do."""
    defaulted = [name for name, field in args_model.model_fields.items() if not field.is_required()]
    if defaulted:
        raise ValueError(
            "Strict mode is enabled, but not all input arguments are marked as required. "
            "Default arguments are not allowed in strict mode. "
            f"FunctionTool({tool_name}): parameter(s) {', '.join(defaulted)} have defaults: "
            "remove the defaults, or pass strict=False."
        )


def _model_name(tool_name: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", tool_name)
    return "".join(w[:1].upper() + w[1:] for w in words if w) + "Args"


_SECTION = re.compile(r"^(Args|Arguments|Parameters|Returns?|Raises|Yields?|Examples?|Notes?):\s*$")
_PARAM = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The summary (text before the first section) and the ``Args:`` descriptions."""
    summary: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None
    current = ""
    param_indent: int | None = None
    for line in doc.splitlines():
        stripped = line.strip()
        heading = _SECTION.match(stripped)
        if heading and (len(line) - len(line.lstrip())) == 0:
            section = heading.group(1)
            current, param_indent = "", None
            continue
        if section is None:
            summary.append(line)
        elif section in ("Args", "Arguments", "Parameters") and stripped:
            indent = len(line) - len(line.lstrip())
            match = _PARAM.match(stripped)
            if match and (param_indent is None or indent <= param_indent):
                param_indent = indent
                current = match.group(1).lstrip("*")
                params[current] = match.group(2).strip()
            elif current:
                params[current] = f"{params[current]} {stripped}".strip()
    return "\n".join(summary).strip(), params
