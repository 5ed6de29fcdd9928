from __future__ import annotations

import os
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_core import to_jsonable_python

__all__ = ["MASK", "EnvSecretStr", "secret_from_env"]

MASK = "**********"
"""How a secret is written when secrets are not included (pydantic's own mask)."""

ENV_REFERENCE_KEY = "$env"

_include_secrets: ContextVar[bool] = ContextVar("agentparts_include_secrets", default=False)


class EnvSecretStr(SecretStr):
    """A secret that was read from an environment variable.

    It is saved as ``{"$env": "NAME"}``, never as its value, and read again from the
    environment when the config is loaded.
    """

    def __init__(self, secret_value: str, env_var: str) -> None:
        super().__init__(secret_value)
        self.env_var = env_var


def secret_from_env(name: str) -> EnvSecretStr | None:
    """The environment variable ``name`` as a secret that saves as a reference, or None."""
    value = os.environ.get(name)
    return None if value is None else EnvSecretStr(value, name)


@contextmanager
def including_secrets(include: bool) -> Generator[None]:
    """While active, nested ``dump_component`` calls write (or mask) secrets alike."""
    token = _include_secrets.set(include)
    try:
        yield
    finally:
        _include_secrets.reset(token)


def secrets_included() -> bool:
    return _include_secrets.get()


def dump_config(config: BaseModel) -> dict[str, Any]:
    """``config`` as JSON-ready data, with every secret masked, referenced or revealed."""
    include = _include_secrets.get()

    def encode(value: Any) -> Any:
        if isinstance(value, EnvSecretStr):
            return {ENV_REFERENCE_KEY: value.env_var}
        if isinstance(value, SecretStr):
            return value.get_secret_value() if include else MASK
        if isinstance(value, dict):
            return {str(k): encode(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
        if isinstance(value, list | tuple | set | frozenset):
            return [encode(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
        return to_jsonable_python(value)

    return encode(config.model_dump(mode="python"))
