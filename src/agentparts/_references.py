"""The one resolver for every name a config may contain.

Provider strings, the functions of ``FunctionTool`` (``module:qualname``), output content
types, summary formatters and termination functions (``module.qualname``) become Python
objects here and nowhere else. A name resolves only if every rule holds:

1. **Allowed** (see :mod:`agentparts._providers`): built in, registered as an entry point,
   defined in this process, or under a prefix the caller allowed. Checked before any import.
2. **No side effects.** No part is a ``__dunder__`` name (``__main__``, ``__init__``), and
   the name is not in a module that runs code when imported or called: the command line
   (``agentparts.cli``) and a few others listed in ``_REFUSED``. Checked before any import,
   and again on where the object really lives. Of agentparts' own functions (as opposed to
   its classes) only the demo's calculator tool may be named.
3. **No attribute walking.** From its module the name may only step through classes, never
   through another module or an instance, and the object must be defined in that module (or
   in one of its submodules: a package re-exports what its private modules define, as
   ``agentparts.tools.FunctionTool`` does). ``agentparts._component:os.system`` is refused.
4. **Only load errors escape.** Whatever importing or resolving raises (``SystemExit``
   included) becomes a :class:`~agentparts.errors.ComponentLoadError` subclass that says why.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from ._providers import (
    ALLOWED_PROVIDERS_ENV_VAR,
    ENTRY_POINT_GROUP,
    autogen_missing_message,
    is_allowed,
    registered_class,
    resolve_provider,
)
from .errors import ProviderNotAllowedError, ProviderNotFoundError, UnsafeReferenceError

__all__ = ["import_callable", "import_object", "import_provider"]

# Modules and objects that start the command line, a server or an easter egg when imported
# or called. A reference under one of these is refused, whatever the allowlist says.
_REFUSED: tuple[str, ...] = (
    "agentparts.cli",
    "agentparts.testing.mcp_server.main",
    "agentparts.testing.openai_server.main",
    "antigravity",
    "this",
)
# The only functions of agentparts itself a config may name: tools made to be saved. Its
# other functions are internals (probe_bwrap runs the program path it is given, another loads
# a config): a model scripted by the config must not call them as tools.
_BUILT_IN_FUNCTIONS = frozenset({"agentparts.cli._demo.calculator"})

_MAX_REFERENCE_LENGTH = 500


def import_provider(provider: str, expected: type[Any] | None = None) -> type[Any]:
    """The class a provider string names, imported only if allowed and safe.

    Args:
        provider: The provider string: a short name, an AutoGen name, or a dotted path
            ``package.module.ClassName``.
        expected: The type the caller expects, used to choose when several classes
            defined in this process claim the same provider string.

    Raises:
        ProviderNotAllowedError: the provider is not allowed; nothing was imported.
        UnsafeReferenceError: the provider walks attributes or reaches a module that
            runs code when imported.
        ProviderNotFoundError: the provider is allowed but names no importable class.
        ComponentTypeError: several classes in this process claim the provider string.
    """
    path = resolve_provider(provider)
    found_here = registered_class(provider, path, expected)
    if found_here is not None:
        return found_here
    if "." not in path:
        raise ProviderNotFoundError(
            f"Provider {provider!r} is neither a known short name nor a dotted path "
            "'package.module.ClassName'. Run 'agentparts components list' to see the names "
            "(short names of extensions appear once their package is installed)."
        )
    explicit = provider.strip()
    found = _resolve(
        # 'module:QualName' keeps its split: the name after the colon is walked, not imported.
        explicit if ":" in explicit and explicit.replace(":", ".") == path else path,
        f"provider {provider!r}",
        shown=provider,
        if_missing=autogen_missing_message(provider),
    )
    if not isinstance(found, type):
        raise ProviderNotFoundError(f"Provider {provider!r} names {found!r}, which is not a class.")
    return found


def import_object(reference: str, what: str) -> object:
    """The object ``reference`` names, imported only if allowed and safe.

    Args:
        reference: ``package.module:QualName`` or ``package.module.QualName``; the qualified
            name may name a nested class (``Outer.Inner``) or a method of a class.
        what: What the reference is for, used in error messages (``"output_content_type"``).

    Raises:
        ProviderNotAllowedError: the reference is not allowed; nothing was imported.
        UnsafeReferenceError: the reference walks attributes or reaches a module that runs
            code when imported.
        ProviderNotFoundError: the reference is malformed or names nothing importable.
    """
    return _resolve(reference, f"{what} {reference!r}", shown=reference)


def import_callable(reference: str, what: str) -> Callable[..., Any]:
    """The function (or other callable) ``reference`` names; see :func:`import_object`.

    Raises:
        ProviderNotAllowedError: the reference is not allowed; nothing was imported.
        UnsafeReferenceError: the reference walks attributes or reaches a module that runs
            code when imported.
        ProviderNotFoundError: the reference is malformed or names nothing callable.
    """
    found = import_object(reference, what)
    if not callable(found):
        raise ProviderNotFoundError(
            f"The {what} {reference!r} names {_describe(found)}, which cannot be called."
        )
    return found


# --- the rules --------------------------------------------------------------------------


def _resolve(reference: str, label: str, *, shown: str, if_missing: str | None = None) -> object:
    text = reference.strip()
    module_path, qualname = _parse(text, label)
    full = ".".join((*(module_path or ()), *qualname)) if module_path else ".".join(qualname)
    _refuse_side_effects(full, label)
    if not is_allowed(full):
        top = full.split(".", 1)[0]
        raise ProviderNotAllowedError(
            f"Refused to load {label}: it is not built in, not registered through the "
            f"{ENTRY_POINT_GROUP!r} entry-point group, and not under an allowed prefix. Nothing "
            f"was imported. If you trust it, allow it with load_component(..., "
            f"allowed_providers=[{top!r}]) or {ALLOWED_PROVIDERS_ENV_VAR}={top}, or register "
            "it as an entry point."
        )
    if module_path is None:
        module, qualname = _import_longest_module(qualname, label, if_missing)
    else:
        module = _import_module(".".join(module_path), label, if_missing)
    found = _walk(module, qualname, label, shown, if_missing)
    home, name = _home_of(found)
    path = f"{home}.{name}" if name else home
    _refuse_side_effects(path, label)
    built_in = home == "agentparts" or home.startswith("agentparts.")
    if built_in and not isinstance(found, type) and path not in _BUILT_IN_FUNCTIONS:
        raise UnsafeReferenceError(
            f"Refused to load {label}: {path!r} is a function (or object) of agentparts "
            "itself. A config may name agentparts classes (components, output types), but of "
            f"its functions only {', '.join(sorted(_BUILT_IN_FUNCTIONS))}: the others are "
            "internals, not tools. Wrap what you need in a function of your own module."
        )
    return found


def _parse(text: str, label: str) -> tuple[list[str] | None, list[str]]:
    """The module parts (``None`` when the split is not given) and the qualname parts."""
    if not text or len(text) > _MAX_REFERENCE_LENGTH:
        raise ProviderNotFoundError(
            f"The {label} is not a reference: expected 'package.module:QualName' of at most "
            f"{_MAX_REFERENCE_LENGTH} characters."
        )
    module_text, sep, qual_text = text.partition(":")
    if sep and (not module_text or not qual_text or ":" in qual_text):
        raise ProviderNotFoundError(
            f"The {label} is not of the form 'package.module:QualName' (one colon between "
            "the module and the name)."
        )
    module_parts = module_text.split(".") if sep else None
    qual_parts = (qual_text if sep else text).split(".")
    for part in (*(module_parts or ()), *qual_parts):
        if not part.isidentifier():
            raise ProviderNotFoundError(
                f"The {label} is not a dotted Python name: {part!r} is not an identifier."
            )
        if part.startswith("__") and part.endswith("__"):
            raise UnsafeReferenceError(
                f"Refused to load {label}: its part {part!r} is a special (dunder) name. "
                "A reference may not name __main__ or __init__ modules, which run code when "
                "imported, nor reach special attributes. Name the class or function itself."
            )
    return module_parts, qual_parts


def _refuse_side_effects(path: str, label: str) -> None:
    if path in _BUILT_IN_FUNCTIONS:
        return
    for refused in _REFUSED:
        if path == refused or path.startswith(refused + "."):
            raise UnsafeReferenceError(
                f"Refused to load {label}: it reaches {refused!r}, which runs the command "
                "line, a server or other code when imported or called; a config may never "
                "name it. Use a component or a function of your own instead."
            )


def _walk(
    module: ModuleType, qualname: Sequence[str], label: str, shown: str, if_missing: str | None
) -> object:
    """Step from ``module`` through classes only, to an object its module tree defines."""
    home = module.__name__
    if not qualname:
        raise ProviderNotFoundError(
            f"The {label} names the module {home!r}, not a class or function in it."
        )
    found: object = module
    walked = home
    for index, part in enumerate(qualname):
        if index and not isinstance(found, type):
            raise UnsafeReferenceError(
                f"Refused to load {label}: {walked!r} is {_describe(found)}, not a class. "
                "A reference may only step from its module through classes (Outer.Inner), "
                "never through other objects."
            )
        try:
            child: object = getattr(found, part)
        except AttributeError:
            if if_missing is None and index == 0 and hasattr(module, "__path__"):
                if_missing = (
                    f"The {label}: the package {home!r} has neither a module nor an attribute "
                    f"{part!r} (no {home}.{part}). Is the package (or the agentparts extra it "
                    "needs) installed, and the name spelled right?"
                )
            raise ProviderNotFoundError(
                if_missing or f"The {label}: {_kind(found)} {walked!r} has no attribute {part!r}."
            ) from None
        except BaseException as exc:  # a property or module __getattr__ that fails
            raise ProviderNotFoundError(
                f"The {label}: reading {part!r} from {walked!r} failed with "
                f"{type(exc).__name__}: {exc}."
            ) from exc
        walked = f"{walked}.{part}"
        if isinstance(child, ModuleType):
            raise UnsafeReferenceError(
                f"Refused to load {label}: {walked!r} is the module {child.__name__!r}. "
                "A reference may not walk through a module's attributes into another module; "
                f"name what you mean by its own module, and allow that module if you trust it."
            )
        child_home, _ = _home_of(child)
        if not child_home:
            raise UnsafeReferenceError(
                f"Refused to load {label}: {walked!r} is {_describe(child)}, a value no "
                "module defines. A reference names a class or a function."
            )
        if child_home != home and not child_home.startswith(home + "."):
            raise UnsafeReferenceError(
                f"Refused to load {label}: {walked!r} is {_describe(child)}, defined in "
                f"{child_home!r}, not in {home!r}. A reference may only name "
                "what its own module (or package) defines, never a name it imported from "
                f"elsewhere. Reference it where it is defined, if you trust that: {shown!r} "
                "does not."
            )
        found = child
    return found


def _home_of(obj: object) -> tuple[str, str]:
    """The module that defines ``obj`` and its qualified name there ('' if unknown)."""
    try:
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
    except BaseException:  # an object whose attribute lookup fails says nothing about itself
        return "", ""
    return (
        module if isinstance(module, str) else "",
        qualname if isinstance(qualname, str) else "",
    )


# --- importing ----------------------------------------------------------------------------


def _import_longest_module(
    parts: Sequence[str], label: str, if_missing: str | None
) -> tuple[ModuleType, list[str]]:
    """Import the longest module prefix of ``parts``, from the top, and the rest as a qualname.

    Each next part is a submodule only if the package really has one by that name; the
    first part that is not starts the qualname. Nothing that is not a module is imported.
    """
    module = _import_module(parts[0], label, if_missing)
    index = 1
    while index < len(parts) and hasattr(module, "__path__"):
        name = f"{module.__name__}.{parts[index]}"
        present = module.__dict__.get(parts[index])
        if present is not None and not isinstance(present, ModuleType):
            break  # an attribute of the package (a re-export), not a submodule
        if isinstance(present, ModuleType) and present.__name__ != name:
            break  # a module the package imported under that name: the walk refuses it
        if present is None and name not in sys.modules and not _has_submodule(name, label):
            break
        module = _import_module(name, label, if_missing)
        index += 1
    return module, list(parts[index:])


def _has_submodule(name: str, label: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except BaseException as exc:  # a broken package or finder
        raise ProviderNotFoundError(
            f"The {label}: looking for the module {name!r} failed with {type(exc).__name__}: {exc}."
        ) from exc


def _import_module(name: str, label: str, if_missing: str | None) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or ""
        if missing and (name == missing or name.startswith(missing + ".")):
            raise ProviderNotFoundError(
                if_missing
                or f"The {label}: there is no module {missing!r}. Is the package that "
                "provides it installed?"
            ) from exc
        raise ProviderNotFoundError(
            f"The {label}: cannot import module {name!r} ({exc}). Is the package (or the "
            "agentparts extra it needs) installed?"
        ) from exc
    except BaseException as exc:  # SystemExit included: a module must not end the caller
        raise ProviderNotFoundError(
            f"The {label}: importing module {name!r} failed with {type(exc).__name__}: "
            f"{exc}. The package that provides it is broken: reinstall or fix it, or remove "
            "it from the config."
        ) from exc


def _kind(obj: object) -> str:
    return "module" if isinstance(obj, ModuleType) else "class"


def _describe(obj: object) -> str:
    if isinstance(obj, type):
        return f"the class {obj.__qualname__}"
    if isinstance(obj, ModuleType):
        return f"the module {obj.__name__}"
    return f"a {type(obj).__name__}"
