"""Secrets in configs: masking, ``{"$env": NAME}`` references, and who may read which variable.

A config loaded by :func:`load_component` may read an environment variable through a
``{"$env": NAME}`` reference only if the component documents ``NAME`` as its own
(``component_env_vars``) or the caller allowed it (``allowed_env=``, ``--allow-env``, or
:data:`ALLOWED_ENV_VAR`). An untrusted load needs the caller's allowance for every variable.
"""

from __future__ import annotations

import functools
import os
import typing
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaSerializer, core_schema, to_jsonable_python

from .errors import CapabilityRefusedError, EnvNotAllowedError, SecretError

# Every model client imports this module (for secret_from_env): ``pydantic.types``
# (SecretStr, which EnvSecretStr derives from, in _env_secret) and the component model are
# imported by the first secret read from the environment or the first dump.
if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._env_secret import EnvSecretStr as EnvSecretStr

__all__ = ["ALLOWED_ENV_VAR", "MASK", "EnvSecretStr", "EnvUse", "secret_from_env"]

MASK = "**********"
"""How a secret is written when secrets are not included (pydantic's own mask)."""

ENV_REFERENCE_KEY = "$env"

ALLOWED_ENV_VAR = "AGENTPARTS_ALLOWED_ENV"
"""Names of environment variables every config may reference, comma separated."""

_include_secrets: ContextVar[bool] = ContextVar("agentparts_include_secrets", default=False)


class _EnvPermission:
    """What config loads in this context may do (a plain class: a dataclass costs more to
    define at import than the loader's whole module)."""

    __slots__ = ("allowed", "loading", "recorded", "source_tools_on_host", "untrusted")

    def __init__(
        self,
        *,
        loading: bool = False,
        untrusted: bool = False,
        allowed: frozenset[str] = frozenset(),
        recorded: list[EnvUse] | None = None,  # set while inspecting: record, read nothing
        source_tools_on_host: bool = False,  # exec FunctionTools saved as source in-process
    ) -> None:
        self.loading = loading
        self.untrusted = untrusted
        self.allowed = allowed
        self.recorded = recorded
        self.source_tools_on_host = source_tools_on_host


_NOT_LOADING = _EnvPermission()
_permission: ContextVar[_EnvPermission | None] = ContextVar(
    "agentparts_env_permission", default=None
)


def _current() -> _EnvPermission:
    return _permission.get() or _NOT_LOADING


@dataclass(frozen=True)
class EnvUse:
    """An ``{"$env": NAME}`` reference met while inspecting a config (nothing was read).

    Attributes:
        name: The variable.
        path: Where the reference is, such as ``config.api_key``.
        documented: Whether the component documents the variable as its own.
    """

    name: str
    path: str
    documented: bool


def secret_from_env(name: str) -> EnvSecretStr | None:
    """The environment variable ``name`` as a secret that saves as a reference, or None."""
    from ._env_secret import EnvSecretStr

    value = os.environ.get(name)
    return None if value is None else EnvSecretStr(value, name)


def allowed_env_names() -> frozenset[str]:
    """The variables the caller allows explicitly right now (argument and environment)."""
    raw = os.environ.get(ALLOWED_ENV_VAR, "")
    from_env = {n.strip() for n in raw.split(",") if n.strip()}
    return _current().allowed | from_env


def loading_config() -> bool:
    """Whether a config load is in progress (so a new ``load_component`` call is nested)."""
    return _current().loading


def loading_untrusted() -> bool:
    """Whether the load in progress is untrusted (``load_component(..., untrusted=True)``)."""
    return _current().untrusted


def exec_source_tools_on_host() -> bool:
    """Whether FunctionTools saved as source code are exec'd in this process when loaded
    (``unsafe_exec_source_tools_on_host=True``); otherwise each call runs in the sandbox."""
    return _current().source_tools_on_host


class env_permission:
    """While active, config loads may read ``allowed`` variables; nested loads inherit it.

    Allowances add up and untrusted stays on for every nested load. (A class rather than a
    generator: it wraps every ``load_component`` call, so it is kept cheap.)

    Args:
        allowed: Variable names the caller allows.
        untrusted: Turn untrusted mode on for the block.
        source_tools_on_host: Exec FunctionTools saved as source code in this process
            (refused together with untrusted mode).

    Raises:
        CapabilityRefusedError: Source tools on the host were asked for in an untrusted load.
    """

    __slots__ = ("_allowed", "_host", "_token", "_untrusted")

    def __init__(
        self,
        allowed: Sequence[str] | None = None,
        *,
        untrusted: bool = False,
        source_tools_on_host: bool = False,
    ) -> None:
        self._allowed = allowed
        self._untrusted = untrusted
        self._host = source_tools_on_host
        self._token: Token[_EnvPermission | None] | None = None

    def __enter__(self) -> None:
        current = _current()
        untrusted = current.untrusted or self._untrusted
        host = current.source_tools_on_host or self._host
        if untrusted and host:
            raise CapabilityRefusedError(
                "unsafe_exec_source_tools_on_host (--unsafe-exec-source-tools-on-host) runs "
                "source code saved in the config on this host, and an untrusted load never "
                "does: drop one of the two. Without it, such tools run in the sandbox."
            )
        if (
            current.loading
            and not self._allowed
            and (current.untrusted or not self._untrusted)
            and (current.source_tools_on_host or not self._host)
        ):
            return  # a nested load that changes nothing
        self._token = _permission.set(
            _EnvPermission(
                loading=True,
                untrusted=untrusted,
                allowed=current.allowed | frozenset(self._allowed or ()),
                recorded=current.recorded,
                source_tools_on_host=host,
            )
        )

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _permission.reset(self._token)
            self._token = None


@contextmanager
def recording_env_uses() -> Generator[list[EnvUse]]:
    """While active, env references are recorded and never read (for ``config inspect``)."""
    uses: list[EnvUse] = []
    current = _current()
    token = _permission.set(
        _EnvPermission(
            loading=True,
            untrusted=current.untrusted,
            allowed=current.allowed,
            recorded=uses,
            source_tools_on_host=current.source_tools_on_host,
        )
    )
    try:
        yield uses
    finally:
        _permission.reset(token)


def how_to_allow_env(name: str) -> str:
    """The sentence that says every way to allow the variable ``name``."""
    return (
        f"If you trust this config with {name}, allow it: load_component(..., "
        f"allowed_env=[{name!r}]), the CLI option --allow-env {name}, or "
        f"{ALLOWED_ENV_VAR}={name} in the environment."
    )


def env_reference_secret(name: str, path: str, documented: Sequence[str] = ()) -> EnvSecretStr:
    """Resolve the reference ``{"$env": name}`` found at ``path`` of a config being loaded.

    Outside a config load (a config class built in Python code) every name resolves: the
    caller's own code is trusted.

    Args:
        name: The variable.
        path: Where the reference is, for the error message.
        documented: The variables the component documents as its own.

    Raises:
        EnvNotAllowedError: The variable is neither documented nor allowed; nothing was read.
        SecretError: The variable is not set.
    """
    from ._env_secret import EnvSecretStr

    permission = _current()
    if permission.recorded is not None:
        permission.recorded.append(EnvUse(name, path, name in documented))
        return EnvSecretStr("${" + name + "}", name)
    if permission.loading and name not in allowed_env_names():
        if permission.untrusted:
            raise EnvNotAllowedError(
                f"{path} references the environment variable {name}, and an untrusted load "
                "reads only the variables the caller allows explicitly (even those a "
                "component documents as its own). Nothing was read. " + how_to_allow_env(name)
            )
        if name not in documented:
            raise EnvNotAllowedError(
                f"{path} references the environment variable {name}, which this component "
                "does not document as its own"
                + (f" (it reads {', '.join(documented)})" if documented else "")
                + ". Nothing was read. "
                + how_to_allow_env(name)
            )
    secret = secret_from_env(name)
    if secret is None:
        raise SecretError(
            f"{path} references the environment variable {name}, which is not set. "
            f"Set {name} before loading this config."
        )
    return secret


class including_secrets:
    """While active, nested ``dump_component`` calls write (or mask) secrets alike.

    (A class rather than a generator: it wraps every ``dump_component`` call.)
    """

    __slots__ = ("_include", "_token")

    def __init__(self, include: bool) -> None:
        self._include = include
        self._token: Token[bool] | None = None

    def __enter__(self) -> None:
        self._token = _include_secrets.set(self._include)

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _include_secrets.reset(self._token)
            self._token = None


def secrets_included() -> bool:
    return _include_secrets.get()


def dump_config(config: BaseModel) -> dict[str, Any]:
    """``config`` as JSON-ready data, with every secret referenced, revealed or kept.

    A secret read from an environment variable becomes ``{"$env": NAME}``; with secrets
    included, any other secret is its plain value; otherwise it stays a ``SecretStr`` (so
    an in-memory dump and load keeps it, as in AutoGen), which
    :class:`~agentparts.ComponentModel` masks whenever it is written as JSON.

    Fields holding nested components (a ``ComponentModel`` or a list of them) are not
    dumped by Pydantic, whose copy of their ``config`` dicts costs more than the rest of
    the dump: they are encoded here directly, with the same rules.
    """
    include = _include_secrets.get()
    nested = _nested_component_fields(config)
    if not nested:
        return _encode(config.model_dump(mode="python"), include)
    data = config.model_dump(mode="python", exclude=set(nested))
    out: dict[str, Any] = {}
    for name in type(config).__pydantic_fields__:
        if name in nested:
            out[name] = _encode_components(nested[name], include)
        elif name in data:
            out[name] = _encode(data.pop(name), include)
    for name, value in data.items():  # computed fields, extra fields
        out[name] = _encode(value, include)
    return out


# Values ``to_jsonable_python`` returns unchanged.
_PLAIN = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _python_mode() -> SchemaSerializer:
    """What ``model_dump(mode="python")`` makes of a value of any type."""
    return SchemaSerializer(core_schema.any_schema())


def _encode(value: Any, include: bool) -> Any:
    kind = type(value)  # pyright: ignore[reportUnknownVariableType]
    if kind is dict:
        return {
            (k if type(k) is str else str(k)): (v if type(v) in _PLAIN else _encode(v, include))  # pyright: ignore[reportUnknownArgumentType]
            for k, v in value.items()  # pyright: ignore[reportUnknownVariableType]
        }
    if kind is list:
        return [v if type(v) in _PLAIN else _encode(v, include) for v in value]  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
    if kind in _PLAIN:
        return value
    # (Imported past the plain values, which are nearly all of them.)
    from pydantic import SecretStr

    from ._env_secret import EnvSecretStr

    if isinstance(value, EnvSecretStr):
        return {ENV_REFERENCE_KEY: value.env_var}
    if isinstance(value, SecretStr):
        return value.get_secret_value() if include else value
    if isinstance(value, dict):
        return {str(k): _encode(v, include) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
    if isinstance(value, list | tuple | set | frozenset):
        return [_encode(v, include) for v in value]  # pyright: ignore[reportUnknownVariableType]
    converted = _python_mode().to_python(value)  # a model or dataclass in a nested config
    if isinstance(converted, dict | list | tuple):
        return _encode(converted, include)
    return to_jsonable_python(value)


def _encode_components(value: Any, include: bool) -> Any:
    if isinstance(value, list | tuple):
        return [_encode_component(v, include) for v in value]  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
    return _encode_component(value, include)


def _encode_component(model: Any, include: bool) -> dict[str, Any]:
    """A nested ``ComponentModel`` as ``model_dump`` writes it, its config encoded."""
    return {
        "provider": model.provider,
        "component_type": model.component_type,
        "version": model.version,
        "component_version": model.component_version,
        "description": model.description,
        "label": model.label,
        "config": _encode(model.config, include),
    }


def _nested_component_fields(config: BaseModel) -> dict[str, Any]:
    """The fields of ``config`` whose value is a ``ComponentModel`` or a list of them."""
    from ._component_model import ComponentModel

    found: dict[str, Any] = {}
    values = config.__dict__
    for name in _component_fields(type(config)):
        value = values.get(name)
        if type(value) is ComponentModel or (
            isinstance(value, list | tuple)
            and value
            and all(type(v) is ComponentModel for v in value)  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
        ):
            found[name] = value
    return found


@functools.lru_cache(maxsize=1024)
def _component_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """Fields annotated with ``ComponentModel`` that ``model_dump`` writes plainly: under
    their own name, with no serializer of their own."""
    decorators = cls.__pydantic_decorators__
    if decorators.model_serializers or cls.model_config.get("serialize_by_alias"):
        return ()
    serialized = {n for d in decorators.field_serializers.values() for n in d.info.fields}
    if "*" in serialized:
        return ()
    return tuple(
        name
        for name, field in cls.__pydantic_fields__.items()
        if name not in serialized
        and not field.exclude
        and field.serialization_alias is None
        and getattr(field, "exclude_if", None) is None
        and _mentions_component_model(field.annotation)
    )


def _mentions_component_model(annotation: Any) -> bool:
    from ._component_model import ComponentModel

    return annotation is ComponentModel or any(
        _mentions_component_model(a) for a in typing.get_args(annotation)
    )


def __getattr__(name: str) -> Any:
    # EnvSecretStr is defined in _env_secret (it loads pydantic.types); still importable
    # from here, on first use.
    if name == "EnvSecretStr":
        from ._env_secret import EnvSecretStr

        globals()[name] = EnvSecretStr
        return EnvSecretStr
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
