"""The secret type of values read from environment variables (see :mod:`._secrets`).

Apart from :mod:`._secrets` because it derives from Pydantic's ``SecretStr``: importing
``pydantic.types`` costs about as much as ``import pydantic`` itself, and the model
clients that import :func:`~agentparts.secret_from_env` should not pay it at import time.
"""

from __future__ import annotations

from pydantic import SecretStr

__all__ = ["EnvSecretStr"]


class EnvSecretStr(SecretStr):
    """A secret that was read from an environment variable.

    It is saved as ``{"$env": "NAME"}``, never as its value, and read again from the
    environment when the config is loaded.
    """

    def __init__(self, secret_value: str, env_var: str) -> None:
        super().__init__(secret_value)
        self.env_var = env_var
