"""Saving classes and functions as import references, and loading them safely."""

from __future__ import annotations

from typing import Any

from .._references import import_object
from ..errors import ComponentConfigError

__all__ = ["import_reference", "reference_of"]


def reference_of(obj: Any, what: str) -> str:
    """The ``module.QualName`` that imports ``obj``.

    Raises:
        ComponentConfigError: ``obj`` is a lambda or defined inside a function, so it
            cannot be imported back.
    """
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "<" in qualname or module == "__main__":
        raise ComponentConfigError(
            f"Cannot save {what} {obj!r}: it is saved as an import reference, so it must be "
            "defined at module level in an importable module (not a lambda, a local "
            "function or __main__)."
        )
    return f"{module}.{qualname}"


def import_reference(path: str, what: str) -> Any:
    """The object ``path`` (``module.QualName``) names, if loading it is allowed and safe.

    A thin wrapper of :func:`agentparts._references.import_object`, the one resolver of
    names in configs; see it for the rules.

    Raises:
        ProviderNotAllowedError: the path is not allowed; nothing was imported.
        UnsafeReferenceError: the path walks attributes or reaches a module that runs code
            when imported.
        ProviderNotFoundError: the path names nothing importable.
    """
    return import_object(path, what)
