"""``AzureTokenProvider``: Entra ID bearer tokens from an ``azure-identity`` credential."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, ClassVar, Protocol, Self

from pydantic import BaseModel, ConfigDict

from ..._capabilities import Capability, env_read, network
from ..._component import Component, ComponentBase

__all__ = ["AzureTokenProvider", "TokenProviderConfig"]

REFRESH_MARGIN = 300.0
"""Seconds before its expiry a token is renewed (azure-identity's own margin)."""

_KINDS = ("DefaultAzureCredential",)


class _AccessToken(Protocol):
    token: str
    expires_on: int


class TokenProviderConfig(BaseModel):
    """The saved form of an :class:`AzureTokenProvider`.

    Attributes:
        provider_kind: The ``azure-identity`` credential class; only
            ``"DefaultAzureCredential"`` can be saved and loaded (as in AutoGen).
        scopes: The scopes tokens are asked for.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    provider_kind: str
    scopes: list[str]


def _missing_identity() -> ImportError:
    return ImportError(
        "AzureTokenProvider needs the azure-identity package to get Entra ID tokens, and "
        "it is not installed. Install it with: pip install 'agentparts[azure]' (or use an "
        "API key: api_key= or the AZURE_OPENAI_API_KEY environment variable)."
    )


def _default_credential() -> Any:
    try:
        from azure.identity import (  # pyright: ignore[reportMissingImports,reportUnknownVariableType]
            DefaultAzureCredential,
        )
    except ImportError:
        raise _missing_identity() from None
    return DefaultAzureCredential()


class AzureTokenProvider(ComponentBase[TokenProviderConfig], Component[TokenProviderConfig]):
    """Bearer tokens for Azure OpenAI or Azure AI inference, from an Entra ID credential.

    Calling the provider returns a token (as AutoGen's ``AzureTokenProvider`` does); a
    token is kept until five minutes before it expires, then renewed. Clients ask through
    :meth:`get_token`, which renews in a worker thread so the event loop is never blocked
    by the credential's network calls.

    Args:
        credential: An ``azure-identity`` credential (anything with
            ``get_token(*scopes)``), e.g. ``DefaultAzureCredential()``. None: a
            ``DefaultAzureCredential``, made when the first token is needed.
        *scopes: The scopes, e.g. ``"https://cognitiveservices.azure.com/.default"``.

    Raises:
        ValueError: No scope was given.

    Example:
        >>> from agentparts.auth.azure import AzureTokenProvider
        >>> provider = AzureTokenProvider(None, "https://cognitiveservices.azure.com/.default")
        >>> provider.dump_component().config["provider_kind"]
        'DefaultAzureCredential'
    """

    component_type: ClassVar[str] = "token_provider"
    component_config_schema = TokenProviderConfig
    component_provider_override = "agentparts.auth.azure.AzureTokenProvider"
    component_env_vars: ClassVar[tuple[str, ...]] = (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
    )

    def __init__(self, credential: Any, *scopes: str) -> None:
        if not scopes:
            raise ValueError(
                "AzureTokenProvider needs at least one scope, e.g. "
                "'https://cognitiveservices.azure.com/.default' for Azure OpenAI."
            )
        self.credential = credential
        self.scopes = list(scopes)
        self._token = ""
        self._expires_on = 0.0
        self._lock = threading.Lock()

    def _credential(self) -> Any:
        if self.credential is None:
            self.credential = _default_credential()
        return self.credential

    def _fresh(self) -> str | None:
        if self._token and self._expires_on - REFRESH_MARGIN > time.time():
            return self._token
        return None

    def __call__(self) -> str:
        """A valid token (renewed first if it is about to expire; this may block)."""
        token = self._fresh()
        if token is not None:
            return token
        with self._lock:
            token = self._fresh()
            if token is not None:
                return token
            access: _AccessToken = self._credential().get_token(*self.scopes)
            self._token = str(access.token)
            self._expires_on = float(access.expires_on)
            return self._token

    async def get_token(self) -> str:
        """A valid token, renewed in a worker thread when needed.

        Raises:
            ImportError: azure-identity is not installed.
        """
        token = self._fresh()
        if token is not None:
            return token
        return await asyncio.to_thread(self)

    def _to_config(self) -> TokenProviderConfig:
        kind = type(self.credential).__name__ if self.credential is not None else _KINDS[0]
        if kind not in _KINDS:
            raise ValueError(
                f"An AzureTokenProvider with a {kind} cannot be saved: only "
                "DefaultAzureCredential can (pass None or DefaultAzureCredential()). It "
                "reads its settings from the environment (AZURE_CLIENT_ID, AZURE_TENANT_ID, "
                "a managed identity, or `az login`)."
            )
        return TokenProviderConfig(provider_kind=kind, scopes=self.scopes)

    @classmethod
    def _from_config(cls, config: TokenProviderConfig) -> Self:
        if config.provider_kind not in _KINDS:
            raise ValueError(
                f"provider_kind {config.provider_kind!r} is not supported: only "
                "'DefaultAzureCredential' can be loaded from a config."
            )
        # The credential is made at the first token, so the config loads without
        # azure-identity installed.
        return cls(None, *config.scopes)

    @classmethod
    def _capabilities(cls, config: TokenProviderConfig) -> list[Capability]:
        found = [network("https://login.microsoftonline.com", "Entra ID token endpoint")]
        found += [
            env_read(name, "read by DefaultAzureCredential", only_if_set=True)
            for name in cls.component_env_vars
        ]
        return found
