"""Building Pydantic models from values the framework has already checked."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from pydantic import BaseModel

__all__ = ["construct"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def construct(cls: type[ModelT], /, **values: Any) -> ModelT:
    """``cls.model_construct(**values)``, minus Pydantic's per-call cost of default factories.

    ``model_construct`` skips validation, so no validator is built (the models defer their
    build), but it inspects the signature of every default factory on every call: about
    12 µs a factory, 41 µs for a chat message against 6 µs to validate it. The factories of
    a class are looked up once here and called directly.
    """
    fields_set = set(values)
    for name, factory in _factories(cls):
        if name not in values:
            values[name] = factory()
    return cls.model_construct(fields_set, **values)


@functools.cache
def _factories(cls: type[BaseModel]) -> tuple[tuple[str, Callable[[], Any]], ...]:
    found: list[tuple[str, Callable[[], Any]]] = []
    for name, field in cls.model_fields.items():
        factory = field.default_factory
        if factory is None:
            continue
        if _takes_data(factory):
            raise TypeError(
                f"{cls.__name__}.{name}: a default factory that takes the validated data "
                "cannot be used by construct(); validate the model instead."
            )
        found.append((name, cast("Callable[[], Any]", factory)))
    return tuple(found)


def _takes_data(factory: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # builtins and generic aliases such as dict[str, str]
        return False
    return len(parameters) == 1
