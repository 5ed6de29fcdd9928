"""A Pydantic model from a JSON schema: ``schema_to_pydantic_model``."""

from __future__ import annotations

import datetime
import hashlib
import typing
from ipaddress import IPv4Address, IPv6Address
from typing import Annotated, Any, ForwardRef, Literal, Optional, Union

from pydantic import (
    UUID1,
    UUID3,
    UUID4,
    UUID5,
    AnyUrl,
    BaseModel,
    Field,
    Json,
    conbytes,
    confloat,
    conint,
    conlist,
    constr,
    create_model,
)

__all__ = [
    "FormatNotSupportedError",
    "ReferenceNotFoundError",
    "SchemaConversionError",
    "UnsupportedKeywordError",
    "schema_to_pydantic_model",
]


class SchemaConversionError(Exception):
    """A JSON schema could not be turned into a Pydantic model."""


class ReferenceNotFoundError(SchemaConversionError):
    """A ``$ref`` names no entry of ``$defs``."""


class FormatNotSupportedError(SchemaConversionError):
    """A string ``format`` is not one of the known formats."""


class UnsupportedKeywordError(SchemaConversionError):
    """A ``type`` is missing or unknown."""


_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}


def _email_type() -> Any:
    try:
        import email_validator  # noqa: F401  # pyright: ignore[reportUnusedImport, reportMissingImports]
    except ImportError:  # Pydantic's EmailStr needs it: without it, any string
        return str
    from pydantic import EmailStr

    return EmailStr


def _formats() -> dict[str, Any]:
    int32 = conint(strict=True, ge=-(2**31), le=2**31 - 1)
    int64 = conint(strict=True, ge=-(2**63), le=2**63 - 1)
    return {
        "uuid": UUID4,
        "uuid1": UUID1,
        "uuid2": UUID4,
        "uuid3": UUID3,
        "uuid4": UUID4,
        "uuid5": UUID5,
        "email": _email_type(),
        "uri": AnyUrl,
        "hostname": constr(strict=True),
        "ipv4": IPv4Address,
        "ipv6": IPv6Address,
        "ipv4-network": IPv4Address,
        "ipv6-network": IPv6Address,
        "date-time": datetime.datetime,
        "date": datetime.date,
        "time": datetime.time,
        "duration": datetime.timedelta,
        "int32": int32,
        "int64": int64,
        "float": confloat(strict=True),
        "double": float,
        "decimal": float,
        "byte": conbytes(strict=True),
        "binary": conbytes(strict=True),
        "password": str,
        "path": str,
        "json": Json,
    }


def schema_to_pydantic_model(
    schema: dict[str, Any], model_name: str = "GeneratedModel"
) -> type[BaseModel]:
    """A Pydantic model class that validates what the JSON ``schema`` describes.

    The same models as AutoGen's function of the same name: primitive types, string
    ``format`` values (``email``, ``uri``, ``uuid``..., ``date-time``...), string, number
    and array constraints, ``enum`` as ``Literal``, ``anyOf``/``oneOf`` as unions (with a
    ``discriminator``), ``allOf`` merged, nested objects as nested models, and ``$ref``
    into ``$defs`` (recursive definitions too). An optional field without a default
    accepts ``None``. Without the ``email-validator`` package, ``email`` is any string.

    Args:
        schema: A JSON schema of an object.
        model_name: The name of the model class (nested models are named after it).

    Returns:
        The model class.

    Raises:
        ReferenceNotFoundError: a ``$ref`` names a missing ``$defs`` entry.
        FormatNotSupportedError: a ``format`` is unknown.
        UnsupportedKeywordError: a field's ``type`` is missing or unknown.

    Example:
        >>> User = schema_to_pydantic_model(
        ...     {"type": "object", "properties": {"name": {"type": "string"},
        ...      "age": {"type": "integer", "minimum": 0}}, "required": ["name"]}, "User")
        >>> User(name="Ada").age is None
        True
    """
    return _Converter(schema).model(schema, model_name)


class _Converter:
    """One conversion: the root schema and the models of its ``$defs``."""

    def __init__(self, root: dict[str, Any]) -> None:
        self._root = root
        self._defs: dict[str, Any] = dict(root.get("$defs") or {})
        self._models: dict[str, type[BaseModel] | None] = {}
        self._formats = _formats()

    def model(self, schema: dict[str, Any], name: str) -> type[BaseModel]:
        for def_name in self._defs:
            self._models.setdefault(def_name, None)
        for def_name, definition in self._defs.items():
            if self._models[def_name] is None:
                self._models[def_name] = self._object(definition, def_name)
        if "$ref" in schema:
            target = self._definition(schema["$ref"])
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return self._object(schema, name)

    def _definition(self, ref: str) -> dict[str, Any]:
        key = ref.rsplit("/", 1)[-1]
        if key not in self._defs:
            raise ReferenceNotFoundError(
                f"Reference {ref!r} is not in $defs (it has: {', '.join(self._defs) or 'nothing'})."
            )
        return typing.cast(dict[str, Any], self._defs[key])

    def _ref_type(self, ref: str) -> Any:
        key = ref.rsplit("/", 1)[-1]
        if key not in self._models:
            raise ReferenceNotFoundError(
                f"Reference {ref!r} is not in $defs (it has: {', '.join(self._models) or 'nothing'})."
            )
        found = self._models[key]
        return ForwardRef(key) if found is None else found  # None: being built (recursion)

    def _merge_all_of(self, schema: dict[str, Any]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: set[str] = set()
        for part in schema["allOf"]:
            part_schema = self._definition(part["$ref"]) if "$ref" in part else part
            properties.update(part_schema.get("properties") or {})
            required.update(part_schema.get("required") or [])
        rest = {k: v for k, v in schema.items() if k not in ("allOf", "properties", "required")}
        return {"type": "object", **rest, "properties": properties, "required": sorted(required)}

    def _object(self, schema: dict[str, Any], name: str) -> type[BaseModel]:
        if "allOf" in schema:
            schema = self._merge_all_of(schema)
        required = set(schema.get("required") or [])
        fields: dict[str, Any] = {}
        properties: dict[str, dict[str, Any]] = schema.get("properties") or {}
        for key, value in properties.items():
            field_type = self._field_type(key, value, name)
            default = value.get("default")
            if key not in required and default is None:
                field_type = Optional[field_type]  # noqa: UP045 (a runtime type expression)
            info: dict[str, Any] = {
                k: value[k] for k in ("title", "description") if value.get(k) is not None
            }
            fields[key] = (field_type, Field(... if key in required else default, **info))
        model: type[BaseModel] = create_model(name, **fields)  # pyright: ignore[reportCallIssue, reportUnknownVariableType]
        namespace = {k: v for k, v in self._models.items() if v is not None}
        model.model_rebuild(_types_namespace={**namespace, name: model}, raise_errors=False)
        return model

    def _field_type(self, key: str, value: dict[str, Any], model_name: str) -> Any:
        if "$ref" in value:
            return self._ref_type(value["$ref"])
        if "anyOf" in value or "oneOf" in value:
            members = self._union_members(value.get("anyOf") or value["oneOf"])
            union: Any = Union[tuple(members)]  # noqa: UP007 (built at run time)
            found: dict[str, Any] = value.get("discriminator") or {}
            discriminator: Any = found.get("propertyName")
            if "oneOf" in value and discriminator:
                return Annotated[union, Field(discriminator=discriminator)]
            return union
        if "enum" in value:
            return Literal[tuple(value["enum"])]
        if "allOf" in value:
            return self._object(self._merge_all_of(value), f"{model_name}_{key}")
        if value.get("type") == "object" and "properties" in value:
            return self._object(value, f"{model_name}_{key}")
        return self._plain_type(key, value, model_name)

    def _union_members(self, options: list[dict[str, Any]]) -> list[Any]:
        members: list[Any] = []
        for option in options:
            if "$ref" in option:
                members.append(self._ref_type(option["$ref"]))
            elif "enum" in option:
                members.append(Literal[tuple(option["enum"])] if option["enum"] else Any)
            elif option.get("type") not in _TYPES:
                raise UnsupportedKeywordError(
                    f"Unsupported or missing type {option.get('type')!r} in a union."
                )
            elif option["type"] == "array" and "items" in option:
                members.append(self._array(option, self._union_item(option["items"])))
            else:
                members.append(_TYPES[option["type"]])
        return members

    def _union_item(self, items: dict[str, Any]) -> Any:
        if "$ref" in items:
            return self._ref_type(items["$ref"])
        item_type = items.get("type")
        if item_type is None:
            return str
        if item_type not in _TYPES:
            raise UnsupportedKeywordError(f"Unsupported item type {item_type!r} in a union array.")
        return _TYPES[item_type]

    def _plain_type(self, key: str, value: dict[str, Any], model_name: str) -> Any:
        json_type = value.get("type")
        if json_type not in _TYPES:
            raise UnsupportedKeywordError(
                f"Unsupported or missing type {json_type!r} for field {key!r} in {model_name!r}."
            )
        found: Any = _TYPES[json_type]
        if json_type == "string":
            limits = _pick(value, minLength="min_length", maxLength="max_length", pattern="pattern")
            found = constr(**limits) if limits else str
        elif json_type in ("integer", "number"):
            limits = _pick(
                value, minimum="ge", maximum="le", exclusiveMinimum="gt", exclusiveMaximum="lt"
            )
            if limits:
                found = conint(**limits) if json_type == "integer" else confloat(**limits)
        elif json_type == "array":
            found = self._array(value, self._item_type(key, value, model_name))
        if "format" in value:
            if value["format"] not in self._formats:
                raise FormatNotSupportedError(
                    f"Unknown format {value['format']!r} for {key!r} in {model_name!r}."
                )
            return self._formats[value["format"]]
        return found

    def _item_type(self, key: str, value: dict[str, Any], model_name: str) -> Any:
        items: dict[str, Any] = value.get("items") or {"type": "string"}
        if "$ref" in items:
            return self._ref_type(items["$ref"])
        if items.get("type") == "object" and "properties" in items:
            digest = hashlib.md5(f"{model_name}_{key}".encode(), usedforsecurity=False)
            return self._object(items, f"{key}_{digest.hexdigest()[:6]}")
        item_type = items.get("type")
        if item_type is None:
            return str
        if item_type not in _TYPES:
            raise UnsupportedKeywordError(
                f"Unsupported or missing item type {item_type!r} for array field {key!r} in "
                f"{model_name!r}."
            )
        return _TYPES[item_type]

    def _array(self, value: dict[str, Any], item: Any) -> Any:
        limits = _pick(value, minItems="min_length", maxItems="max_length")
        return conlist(item, **limits) if limits else list[item]


def _pick(value: dict[str, Any], **names: str) -> dict[str, Any]:
    """The keywords of ``value`` named in ``names``, renamed to their Pydantic names."""
    return {pyd: value[js] for js, pyd in names.items() if js in value}
