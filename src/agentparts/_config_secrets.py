"""Env references and masked secrets in a config being loaded, guided by its schema.

:func:`resolve_secrets` walks a config's data before it is validated: an ``{"$env": NAME}``
reference under a field that expects a value is read (if allowed, see
:func:`~agentparts._secrets.env_reference_secret`), and a masked secret (``"**********"``)
anywhere is refused with its path. It runs for every component of every load, nested ones
included, so it is kept cheap: what each annotation says (does it mention ``SecretStr``,
which models, list items, dict values) is worked out once per annotation and schema, and
plain values are checked inline instead of through a call each.
"""

from __future__ import annotations

import functools
import typing
import weakref
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, SecretStr

from ._component_model import ComponentModel
from ._secrets import ENV_REFERENCE_KEY, MASK, env_reference_secret
from .errors import SecretError

__all__ = ["resolve_secrets"]

# Values that are never a reference or a container; a str may be a mask.
_SCALARS = frozenset({int, float, bool, type(None)})


class _Shape:
    """What one annotation says about the values under it."""

    __slots__ = ("annotation", "dict_values", "list_item", "models", "secret")

    def __init__(
        self,
        annotation: Any,
        *,
        secret: bool,  # mentions SecretStr: a reference resolves to the secret itself
        models: tuple[type[BaseModel], ...],  # models a dict under it is validated as
        dict_values: Any,  # the value annotation of a dict of secrets (MCP server env...)
        list_item: Any,  # the item annotation of a list, tuple or sequence
    ) -> None:
        self.annotation = annotation
        self.secret = secret
        self.models = models
        self.dict_values = dict_values
        self.list_item = list_item


_OPAQUE = _Shape(None, secret=False, models=(), dict_values=None, list_item=None)
"""A value of unknown shape (nested component configs): references stay for its own load."""


def resolve_secrets(
    data: dict[str, Any], schema: type[BaseModel], path: str, documented: Sequence[str] = ()
) -> dict[str, Any]:
    """``data`` with env references resolved and masks refused, guided by ``schema``.

    Values under fields of unknown shape (such as nested component configs) keep their
    references: the nested load resolves them against its own schema. A reference
    resolves only if the variable is in ``documented`` (the component's own) or allowed by
    the caller. The result shares no dict or list with ``data``.

    Raises:
        SecretError: a masked secret, or a reference to an unset variable.
        EnvNotAllowedError: a reference the caller did not allow.
    """
    shapes = _field_shapes(schema)
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = type(value)  # pyright: ignore[reportUnknownVariableType]
        if kind is str:
            if value == MASK:
                raise _masked(f"{path}.{key}")
            out[key] = value
        elif kind in _SCALARS:
            out[key] = value
        else:
            shape = shapes.get(key, _OPAQUE)
            out[key] = _resolve(value, shape, f"{path}.{key}", documented)
    return out


def _resolve(value: Any, shape: _Shape, path: str, documented: Sequence[str]) -> Any:
    if isinstance(value, dict):
        mapping = typing.cast("dict[Any, Any]", value)
        if len(mapping) == 1 and ENV_REFERENCE_KEY in mapping:
            if shape.annotation is None:
                return dict(mapping)  # for the nested load to resolve
            secret = env_reference_secret(str(mapping[ENV_REFERENCE_KEY]), path, documented)
            return secret if shape.secret else secret.get_secret_value()
        if shape.models:
            model = _model_for(shape.models, mapping.get("type"))
            return resolve_secrets(mapping, model, path, documented)
        if shape.dict_values is not None and any(map(_is_reference, mapping.values())):
            inner = _shape(shape.dict_values)
            return {k: _resolve(v, inner, f"{path}.{k}", documented) for k, v in mapping.items()}
        return _copy_checked(mapping, path)
    if isinstance(value, list):
        items = typing.cast("list[Any]", value)
        if shape.list_item is None:
            return _copy_checked(items, path)
        inner = _shape(shape.list_item)
        return [_resolve(v, inner, f"{path}[{i}]", documented) for i, v in enumerate(items)]
    if isinstance(value, str) and value == MASK:
        raise _masked(path)
    return value


def _copy_checked(value: Any, path: str) -> Any:
    """A copy of dicts and lists of unknown shape, refusing any mask inside; references stay."""
    if isinstance(value, dict):
        mapping = typing.cast("dict[Any, Any]", value)
        if len(mapping) == 1 and ENV_REFERENCE_KEY in mapping:
            return dict(mapping)  # a reference for the nested load to resolve
        out: dict[Any, Any] = {}
        for key, item in mapping.items():
            kind = type(item)  # pyright: ignore[reportUnknownVariableType]
            if kind is str:
                if item == MASK:
                    raise _masked(f"{path}.{key}")
                out[key] = item
            elif kind in _SCALARS:
                out[key] = item
            else:
                out[key] = _copy_checked(item, f"{path}.{key}")
        return out
    if isinstance(value, list):
        items = typing.cast("list[Any]", value)
        copied: list[Any] = []
        for index, item in enumerate(items):
            kind = type(item)  # pyright: ignore[reportUnknownVariableType]
            if kind is str:
                if item == MASK:
                    raise _masked(f"{path}[{index}]")
                copied.append(item)
            elif kind in _SCALARS:
                copied.append(item)
            else:
                copied.append(_copy_checked(item, f"{path}[{index}]"))
        return copied
    if isinstance(value, str) and value == MASK:
        raise _masked(path)
    return value


def _masked(path: str) -> SecretError:
    return SecretError(
        f"{path} holds a masked secret ({MASK!r}): the config was saved without its secrets. "
        "Put the real value there, or a reference {'$env': 'VARIABLE_NAME'}, or save it "
        "with dump_component(include_secrets=True)."
    )


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and ENV_REFERENCE_KEY in value  # pyright: ignore[reportUnknownArgumentType]


def _model_for(models: tuple[type[BaseModel], ...], type_tag: Any) -> type[BaseModel]:
    """The member of a tagged union whose ``type`` field matches, else the first model."""
    if type_tag is not None:
        for model in models:
            tag = model.model_fields.get("type")
            if tag is not None and tag.default == type_tag:
                return model
    return models[0]


_schema_shapes: weakref.WeakKeyDictionary[type[BaseModel], tuple[object, dict[str, _Shape]]] = (
    weakref.WeakKeyDictionary()
)


def _field_shapes(schema: type[BaseModel]) -> dict[str, _Shape]:
    """The shape of each field of ``schema``, worked out once (again after a rebuild)."""
    fields = schema.__pydantic_fields__
    cached = _schema_shapes.get(schema)
    if cached is not None and cached[0] is fields:
        return cached[1]
    shapes = {name: _shape(field.annotation) for name, field in fields.items()}
    _schema_shapes[schema] = (fields, shapes)
    return shapes


def _shape(annotation: Any) -> _Shape:
    if annotation is None:
        return _OPAQUE
    try:
        return _cached_shape(annotation)
    except TypeError:  # an unhashable annotation (metadata that is not hashable)
        return _new_shape(annotation)


@functools.lru_cache(maxsize=1024)
def _cached_shape(annotation: Any) -> _Shape:
    return _new_shape(annotation)


def _new_shape(annotation: Any) -> _Shape:
    parts = _annotation_parts(annotation)
    return _Shape(
        annotation,
        secret=any(_is_secret_type(p) for p in parts),
        models=tuple(
            p
            for p in parts
            if isinstance(p, type) and issubclass(p, BaseModel) and p is not ComponentModel
        ),
        dict_values=_secret_dict_values(parts),
        list_item=_list_item(parts),
    )


def _annotation_parts(annotation: Any) -> list[Any]:
    parts: list[Any] = [annotation]
    for arg in typing.get_args(annotation):
        parts.extend(_annotation_parts(arg))
    return parts


def _is_secret_type(part: Any) -> bool:
    return isinstance(part, type) and issubclass(part, SecretStr)


def _secret_dict_values(parts: list[Any]) -> Any:
    for part in parts:
        args = typing.get_args(part)
        if (
            typing.get_origin(part) is dict
            and len(args) == 2
            and any(_is_secret_type(p) for p in _annotation_parts(args[1]))
        ):
            return args[1]
    return None


def _list_item(parts: list[Any]) -> Any:
    for part in parts:
        if typing.get_origin(part) in (list, Sequence, tuple):
            args = typing.get_args(part)
            return args[0] if args else None
    return None
