"""What a function saved as source code looks like, read with ``ast`` (never executed).

AutoGen saves a ``FunctionTool`` as its source code and global imports. agentparts reads
the parameter schema from the parsed source without running it, and writes the small
program that runs one call of the function inside the sandbox.
"""

from __future__ import annotations

import ast
import json
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..errors import ComponentConfigError

__all__ = [
    "GlobalImport",
    "ImportAliasConfig",
    "ImportFromConfig",
    "SourceShape",
    "import_statements",
    "read_source",
    "runner_program",
]

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class ImportAliasConfig(BaseModel):
    """``import name as alias`` (AutoGen's ``Alias``)."""

    model_config = ConfigDict(defer_build=True)

    name: str
    alias: str


class ImportFromConfig(BaseModel):
    """``from module import a, b as c`` (AutoGen's ``ImportFromModule``)."""

    model_config = ConfigDict(defer_build=True)

    module: str
    imports: list[str | ImportAliasConfig]


GlobalImport = str | ImportFromConfig | ImportAliasConfig
"""One entry of ``global_imports``: a module, names from a module, or an alias."""


def import_statements(imports: Sequence[GlobalImport], tool: str) -> list[str]:
    """The import statements of ``imports``; every name is checked to be a dotted name.

    Raises:
        ComponentConfigError: A name is not a (dotted) Python identifier.
    """

    def name(text: str) -> str:
        if not _DOTTED.match(text):
            raise ComponentConfigError(
                f"FunctionTool {tool!r}: global import {text!r} is not a module or name: "
                "write plain dotted names such as 'os.path' in global_imports."
            )
        return text

    statements: list[str] = []
    for item in imports:
        if isinstance(item, str):
            statements.append(f"import {name(item)}")
        elif isinstance(item, ImportAliasConfig):
            statements.append(f"import {name(item.name)} as {name(item.alias)}")
        else:
            names = ", ".join(
                name(n) if isinstance(n, str) else f"{name(n.name)} as {name(n.alias)}"
                for n in item.imports
            )
            statements.append(f"from {name(item.module)} import {names}")
    return statements


@dataclass(frozen=True)
class SourceShape:
    """The function in a tool's source code, as read from its syntax tree.

    Attributes:
        function: The name of the function (the first top-level ``def``, as AutoGen).
        args_model: The arguments model built from the annotations and literal defaults.
        return_type: The annotated return type when it is a plain type, else ``object``.
        token_param: The parameter that takes a ``CancellationToken`` (hidden), if any.
        positional_only: Parameters that must be passed by position.
        doc_summary: The docstring's summary.
    """

    function: str
    args_model: type[BaseModel]
    return_type: type[Any]
    token_param: str | None
    positional_only: tuple[str, ...]
    doc_summary: str


def read_source(source: str, tool: str, strict: bool) -> SourceShape:
    """Parse ``source`` (no execution) and describe its function.

    Raises:
        ComponentConfigError: The source does not parse, defines no function, or has
            ``*args``/``**kwargs`` parameters.
    """
    from ._function_tool import _check_strict, _model_name, _parse_docstring  # pyright: ignore[reportPrivateUsage]

    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        raise ComponentConfigError(
            f"FunctionTool {tool!r}: its source_code does not parse ({exc.msg}, line "
            f"{exc.lineno}). Fix the function's source in the config."
        ) from None
    found = [n for n in module.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if not found:
        raise ComponentConfigError(
            f"FunctionTool {tool!r}: its source_code defines no function. Save the tool "
            "from a 'def' function."
        )
    node = found[0]
    summary, param_docs = _parse_docstring(ast.get_docstring(node) or "")
    arguments = node.args
    if arguments.vararg is not None or arguments.kwarg is not None:
        raise ComponentConfigError(
            f"FunctionTool {tool!r}: *args and **kwargs parameters cannot be described to "
            "a model. Give the function explicit, typed parameters."
        )
    params = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(params) - len(arguments.defaults))
    defaults += arguments.defaults
    params += arguments.kwonlyargs
    defaults += arguments.kw_defaults
    fields: dict[str, Any] = {}
    token_param: str | None = None
    for param, default in zip(params, defaults, strict=True):
        annotation = param.annotation
        if param.arg == "cancellation_token" or _last_name(annotation) == "CancellationToken":
            token_param = param.arg
            continue
        fields[param.arg] = _field(annotation, default, param_docs.get(param.arg) or param.arg)
    args_model: type[BaseModel] = create_model(  # pyright: ignore[reportCallIssue, reportUnknownVariableType]
        _model_name(tool),
        __config__=ConfigDict(defer_build=True, extra="forbid" if strict else "ignore"),
        **fields,
    )
    if strict:
        _check_strict(args_model, tool)
    returns = _annotation(node.returns) if node.returns is not None else object
    if typing.get_origin(returns) is Annotated:
        returns = typing.get_args(returns)[0]
    return SourceShape(
        function=node.name,
        args_model=args_model,
        return_type=returns if isinstance(returns, type) else object,
        token_param=token_param,
        positional_only=tuple(p.arg for p in arguments.posonlyargs),
        doc_summary=summary,
    )


def _field(annotation: ast.expr | None, default: ast.expr | None, doc: str) -> tuple[Any, Any]:
    kind: Any = Any if annotation is None else _annotation(annotation)
    description = doc
    if typing.get_origin(kind) is Annotated:
        base, *metadata = typing.get_args(kind)
        texts = [m for m in metadata if isinstance(m, str)]
        kind, description = base, texts[0] if texts else doc
    if default is None:
        return kind, Field(..., description=description)
    try:
        value = ast.literal_eval(default)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        # Not a literal: the schema shows no default, and the sandbox uses the real one
        # (arguments the model leaves out are not sent).
        return Optional[kind], Field(None, description=description)  # noqa: UP045
    return kind, Field(value, description=description)


_PLAIN: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "bytes": str,
    "Any": Any,
    "object": Any,
    "Path": str,
    "PurePath": str,
    "list": list,
    "List": list,
    "Sequence": list,
    "Iterable": list,
    "tuple": list,
    "Tuple": list,
    "set": list,
    "Set": list,
    "frozenset": list,
    "dict": dict,
    "Dict": dict,
    "Mapping": dict,
    "None": type(None),
    "NoneType": type(None),
}


def _last_name(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rsplit(".", 1)[-1]
    return None


def _annotation(node: ast.expr, depth: int = 0) -> Any:
    """The type an annotation's syntax names; what cannot be read is ``Any`` (no eval)."""
    if depth > 20:
        return Any
    if isinstance(node, ast.Constant):
        if node.value is None:
            return type(None)
        if isinstance(node.value, str):  # a string annotation: parse it, never evaluate
            try:
                return _annotation(ast.parse(node.value, mode="eval").body, depth + 1)
            except SyntaxError:
                return Any
        return Any
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _annotation(node.left, depth + 1), _annotation(node.right, depth + 1)
        return Union[left, right]  # noqa: UP007
    if not isinstance(node, ast.Subscript):
        name = _last_name(node)
        return _PLAIN.get(name, Any) if name is not None else Any
    base = _last_name(node.value)
    items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    if base == "Literal":
        try:
            values = tuple(ast.literal_eval(item) for item in items)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return Any
        if not values or not all(isinstance(v, str | int | float | bool) for v in values):
            return Any  # only scalars make a JSON enum
        return Literal[values]  # pyright: ignore[reportInvalidTypeForm]
    if base == "Annotated":
        texts = [
            i.value for i in items[1:] if isinstance(i, ast.Constant) and isinstance(i.value, str)
        ]
        inner = _annotation(items[0], depth + 1)
        return Annotated[inner, texts[0]] if texts else inner
    args = [_annotation(item, depth + 1) for item in items if not isinstance(item, ast.Constant)]
    args += [type(None) for i in items if isinstance(i, ast.Constant) and i.value is None]
    if base == "Optional" and args:
        return Optional[args[0]]  # noqa: UP045
    if base == "Union" and args:
        return Union[tuple(args)]  # noqa: UP007  # pyright: ignore[reportInvalidTypeArguments]
    if base in ("list", "List", "Sequence", "Iterable", "set", "Set", "frozenset") and args:
        return list[args[0]]
    if base in ("tuple", "Tuple"):
        return list[Any]
    if base in ("dict", "Dict", "Mapping") and len(args) == 2:
        return dict[args[0], args[1]]
    return _PLAIN.get(base or "", Any) if base in _PLAIN else Any


# The program that runs one call inside the sandbox. Values are filled in as Python
# literals (repr of strings), so no saved text ever becomes code outside the function's
# own source and its checked import statements.
_RUNNER = """\
import asyncio, inspect, json, sys, traceback

SOURCE = __SOURCE__
IMPORTS = __IMPORTS__
NAME = __NAME__
ARGS = json.loads(__ARGS__)
POSITIONAL = __POSITIONAL__
TOKEN = __TOKEN__
NONCE = __NONCE__


class CancellationToken:
    def is_cancelled(self):
        return False

    def add_callback(self, callback):
        pass

    def link_future(self, future):
        return future


def encode(value):
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def call():
    namespace = {"__name__": "__agentparts_tool__", "CancellationToken": CancellationToken}
    for statement in IMPORTS:
        try:
            exec(statement, namespace)
        except ImportError as exc:
            return {"ok": False, "kind": "import", "statement": statement, "error": str(exc)}
    exec(compile(SOURCE, "<tool source>", "exec"), namespace)
    function = namespace[NAME]
    positional = [ARGS.pop(n) for n in POSITIONAL if n in ARGS]
    if TOKEN:
        ARGS[TOKEN] = CancellationToken()
    result = function(*positional, **ARGS)
    if inspect.isawaitable(result):
        async def wait():
            return await result
        result = asyncio.run(wait())
    return {"ok": True, "value": result}


try:
    out = call()
except BaseException as exc:
    out = {
        "ok": False,
        "kind": "raised",
        "type": type(exc).__name__,
        "error": str(exc),
        "traceback": traceback.format_exc(limit=-4),
    }
try:
    text = json.dumps(out, default=encode)
except Exception as exc:
    text = json.dumps({"ok": False, "kind": "result", "error": str(exc)})
sys.stdout.flush()
sys.stderr.flush()
sys.stdout.write("\\n" + NONCE + text + "\\n")
sys.stdout.flush()
"""


def runner_program(
    source: str,
    imports: Sequence[str],
    function: str,
    arguments: dict[str, Any],
    *,
    positional_only: Sequence[str],
    token_param: str | None,
    nonce: str,
) -> str:
    """The Python program that runs one call of ``function`` and prints its JSON result.

    The result is the last output line, after ``nonce``: ``{"ok": true, "value": ...}``,
    or ``{"ok": false, "kind": ..., "error": ...}`` when the call raised or an import failed.
    """
    values = {
        "__SOURCE__": repr(source),
        "__IMPORTS__": repr(list(imports)),
        "__NAME__": repr(function),
        "__ARGS__": repr(json.dumps(arguments)),
        "__POSITIONAL__": repr(list(positional_only)),
        "__TOKEN__": repr(token_param),
        "__NONCE__": repr(nonce),
    }
    return re.sub("|".join(values), lambda m: values[m.group(0)], _RUNNER)
