"""Saving classes and functions as import references, and loading them safely."""

from __future__ import annotations

import importlib
from typing import Any

from .._providers import ALLOWED_PROVIDERS_ENV_VAR, is_allowed
from ..errors import ComponentConfigError, ProviderNotAllowedError, ProviderNotFoundError

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
    """The object ``path`` names, imported only if its module is allowed.

    Raises:
        ProviderNotAllowedError: the path is not allowed; nothing was imported.
        ProviderNotFoundError: the path names nothing importable.
    """
    if not is_allowed(path):
        top = path.split(".", 1)[0]
        raise ProviderNotAllowedError(
            f"Refused to import {what} {path!r}: it is not under an allowed prefix. Nothing was "
            f"imported. If you trust it, pass allowed_providers=[{top!r}] to load_component, or "
            f"set {ALLOWED_PROVIDERS_ENV_VAR}={top}."
        )
    parts = path.split(".")
    # The longest importable module prefix, then attributes (nested classes).
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            break
        return obj
    raise ProviderNotFoundError(f"Cannot import {what} {path!r}: no such module or attribute.")
