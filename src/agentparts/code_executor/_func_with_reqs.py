"""Functions that executed code can import, with the packages and imports they need."""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from typing_extensions import ParamSpec

__all__ = [
    "Alias",
    "FunctionWithRequirements",
    "FunctionWithRequirementsStr",
    "Import",
    "ImportFromModule",
    "build_python_functions_file",
    "requirements_of",
    "to_stub",
    "with_requirements",
]

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Alias:
    """An imported name under another name: ``import name as alias``.

    Attributes:
        name: The imported name.
        alias: The name it is bound to.
    """

    name: str
    alias: str


@dataclass(frozen=True)
class ImportFromModule:
    """Names imported from a module: ``from module import a, b as c``.

    Attributes:
        module: The module to import from.
        imports: The names, each a string or an :class:`Alias`.
    """

    module: str
    imports: tuple[str | Alias, ...]

    def __init__(self, module: str, imports: Sequence[str | Alias]) -> None:
        object.__setattr__(self, "module", module)
        object.__setattr__(self, "imports", tuple(imports))


Import = str | ImportFromModule | Alias
"""A global import a function needs: a module name, names from a module, or an alias."""


def _import_statement(im: Import) -> str:
    if isinstance(im, str):
        return f"import {im}"
    if isinstance(im, Alias):
        return f"import {im.name} as {im.alias}"
    names = ", ".join(n if isinstance(n, str) else f"{n.name} as {n.alias}" for n in im.imports)
    return f"from {im.module} import {names}"


def _single_function(source: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"The function source does not parse: {exc}. Pass valid Python.") from exc
    if len(module.body) != 1 or not isinstance(
        module.body[0], ast.FunctionDef | ast.AsyncFunctionDef
    ):
        raise ValueError(
            "The source must define exactly one function and nothing else; "
            "put imports in global_imports."
        )
    return module.body[0]


@dataclass
class FunctionWithRequirementsStr:
    """A function given as source code, with the packages and imports it needs.

    The source is parsed, never executed, in this process.

    Attributes:
        func: The source code of exactly one function.
        python_packages: Packages (pip requirement strings) the function needs.
        global_imports: Imports the function needs at module level.
    """

    func: str
    python_packages: Sequence[str] = field(default_factory=list[str])
    global_imports: Sequence[Import] = field(default_factory=list[Import])

    def __post_init__(self) -> None:
        self.func = textwrap.dedent(self.func).strip() + "\n"
        self._func_name = _single_function(self.func).name

    @property
    def name(self) -> str:
        """The name of the function."""
        return self._func_name


@dataclass
class FunctionWithRequirements(Generic[T, P]):
    """A Python function with the packages and imports it needs, callable as before.

    Attributes:
        func: The function.
        python_packages: Packages (pip requirement strings) the function needs.
        global_imports: Imports the function needs at module level.
    """

    func: Callable[P, T]
    python_packages: Sequence[str] = field(default_factory=list[str])
    global_imports: Sequence[Import] = field(default_factory=list[Import])

    @classmethod
    def from_callable(
        cls,
        func: Callable[P, T],
        python_packages: Sequence[str] = (),
        global_imports: Sequence[Import] = (),
    ) -> FunctionWithRequirements[T, P]:
        """Wrap a function with its requirements."""
        return cls(func=func, python_packages=python_packages, global_imports=global_imports)

    @staticmethod
    def from_str(
        func: str, python_packages: Sequence[str] = (), global_imports: Sequence[Import] = ()
    ) -> FunctionWithRequirementsStr:
        """Wrap the source of a function with its requirements."""
        return FunctionWithRequirementsStr(
            func=func, python_packages=python_packages, global_imports=global_imports
        )

    @property
    def name(self) -> str:
        """The name of the function."""
        return self.func.__name__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.func(*args, **kwargs)


def with_requirements(
    python_packages: Sequence[str] = (), global_imports: Sequence[Import] = ()
) -> Callable[[Callable[P, T]], FunctionWithRequirements[T, P]]:
    """Decorate a function with the packages and imports it needs.

    Example:
        >>> @with_requirements(global_imports=["math"])
        ... def hypot(a: float, b: float) -> float:
        ...     return math.sqrt(a * a + b * b)
        >>> hypot.name
        'hypot'
    """

    def wrapper(func: Callable[P, T]) -> FunctionWithRequirements[T, P]:
        wrapped = FunctionWithRequirements(
            func=func, python_packages=python_packages, global_imports=global_imports
        )
        functools.update_wrapper(wrapped, func)
        return wrapped

    return wrapper


AnyFunction = FunctionWithRequirements[Any, ...] | Callable[..., Any] | FunctionWithRequirementsStr


def _function_source(func: AnyFunction) -> str:
    if isinstance(func, FunctionWithRequirementsStr):
        return func.func
    target = func.func if isinstance(func, FunctionWithRequirements) else func
    try:
        source = textwrap.dedent(inspect.getsource(target))
    except (OSError, TypeError) as exc:
        raise ValueError(
            f"The source of {getattr(target, '__name__', target)!r} cannot be read: {exc}. "
            "Define it in a file, or pass its source with FunctionWithRequirements.from_str()."
        ) from exc
    node = _single_function(source)
    # Drop decorators such as @with_requirements: the file must define a plain function.
    lines = source.splitlines(keepends=True)
    return "".join(lines[node.lineno - 1 :]).rstrip() + "\n"


def _requirements(func: AnyFunction) -> tuple[Sequence[str], Sequence[Import]]:
    if isinstance(func, FunctionWithRequirements | FunctionWithRequirementsStr):
        return func.python_packages, func.global_imports
    return (), ()


def build_python_functions_file(funcs: Sequence[AnyFunction]) -> str:
    """The source of a module that defines ``funcs`` after their global imports."""
    imports: list[str] = []
    bodies: list[str] = []
    for func in funcs:
        for im in _requirements(func)[1]:
            statement = _import_statement(im)
            if statement not in imports:
                imports.append(statement)
        bodies.append(_function_source(func))
    header = "\n".join(imports)
    return (header + "\n\n\n" if header else "") + "\n\n".join(bodies)


def to_stub(func: AnyFunction) -> str:
    """A stub of ``func``: its signature as written and its docstring, for a prompt."""
    try:
        node = _single_function(_function_source(func))
    except ValueError:
        # No source: fall back to the runtime signature.
        target = func.func if isinstance(func, FunctionWithRequirements) else func
        assert not isinstance(target, FunctionWithRequirementsStr)
        stub = f"def {target.__name__}{inspect.signature(target)}:\n"
        docstring = inspect.getdoc(target)
        if docstring:
            stub += f"    {docstring!r}\n"
        return stub + "    ...\n"
    docstring = ast.get_docstring(node)
    body: list[ast.stmt] = [ast.Expr(ast.Constant(...))]
    if docstring:
        body.insert(0, ast.Expr(ast.Constant(docstring)))
    node.body = body
    node.decorator_list = []
    return ast.unparse(node) + "\n"


def requirements_of(funcs: Sequence[AnyFunction]) -> list[str]:
    """The distinct Python packages that ``funcs`` need, in order."""
    packages: list[str] = []
    for func in funcs:
        for package in _requirements(func)[0]:
            if package not in packages:
                packages.append(package)
    return packages
