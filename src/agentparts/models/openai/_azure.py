"""``AzureOpenAIChatCompletionClient``: Azure OpenAI deployments, on the OpenAI client."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import quote

from ..._lazy import imported_on_read
from ...errors import ModelAuthenticationError
from .._http import HttpLimits, Redactor, RetryPolicy, ShardedPool, tls_may_be_needed
from ._azure_transport import AzureTransport
from ._client import OpenAIChatCompletionClient

if TYPE_CHECKING:
    from pydantic import SecretStr

    from ..._capabilities import Capability
    from ..._component_model import ComponentModel
    from ._azure_config import AzureOpenAIClientConfig
    from ._config import OpenAIClientConfig

__all__ = ["AzureOpenAIChatCompletionClient", "bearer_token"]

KEY_VARIABLE = "AZURE_OPENAI_API_KEY"
TOKEN_VARIABLE = "AZURE_OPENAI_AD_TOKEN"
_KEY_HINT = (
    "api_key= or the AZURE_OPENAI_API_KEY environment variable (or the Entra ID token "
    "from azure_ad_token= or azure_ad_token_provider=)"
)
TokenSource = Callable[[], Any]
"""A token provider: an ``AzureTokenProvider``, or any callable returning a token (or an
awaitable of one)."""


def _token_source(provider: TokenSource | ComponentModel | dict[str, Any] | None) -> Any:
    if provider is None or callable(provider):
        return provider
    from ...auth.azure import AzureTokenProvider

    return AzureTokenProvider.load_component(provider)


async def bearer_token(provider: Any) -> str:
    """A token from ``provider`` (an ``AzureTokenProvider`` or a plain callable).

    Raises:
        ModelAuthenticationError: The provider failed (e.g. no Entra ID login found).
        ImportError: azure-identity is needed and not installed.
    """
    try:
        getter = getattr(provider, "get_token", None)
        if getter is not None and inspect.iscoroutinefunction(getter):
            token: Any = await getter()
        else:
            token = provider()
            if inspect.isawaitable(token):
                token = await token
    except (ImportError, ModelAuthenticationError):
        raise
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no message"
        raise ModelAuthenticationError(
            f"The Entra ID token provider ({type(provider).__name__}) could not get a token "
            f"({type(exc).__name__}: {first[:300]}). Sign in (e.g. `az login`), set "
            "AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use an API key."
        ) from exc
    if not isinstance(token, str) or not token:
        raise ModelAuthenticationError(
            f"The Entra ID token provider ({type(provider).__name__}) returned "
            f"{type(token).__name__}, not a token string."
        )
    return token


class AzureOpenAIChatCompletionClient(OpenAIChatCompletionClient):
    """A model client for an Azure OpenAI deployment (Chat Completions).

    Requests go to ``{azure_endpoint}/openai/deployments/{azure_deployment}/chat/completions
    ?api-version={api_version}`` with the key in the ``api-key`` header, or with an Entra
    ID bearer token. Everything else (messages, tools, streaming, limits, retries) is the
    :class:`OpenAIChatCompletionClient`'s; its other arguments are accepted too, except
    ``base_url`` and ``organization``. Azure's content filter shows as
    ``finish_reason="content_filter"``.

    Args:
        model: The model behind the deployment (e.g. ``"gpt-4o"``): it selects the model
            info and token counting.
        azure_endpoint: The resource endpoint, e.g. ``https://NAME.openai.azure.com``.
        api_version: The API version, e.g. ``"2024-10-21"``.
        azure_deployment: The deployment name (default: ``model``).
        api_key: The key. Default: the ``AZURE_OPENAI_API_KEY`` environment variable
            (saved as a reference to it), unless a token is given.
        azure_ad_token: A fixed Entra ID token (default: ``AZURE_OPENAI_AD_TOKEN``).
        azure_ad_token_provider: Gives a fresh token per request: an
            :class:`~agentparts.auth.azure.AzureTokenProvider` (saved with the client) or
            any callable returning a token or an awaitable of one (not saved).
        **kwargs: The :class:`OpenAIChatCompletionClient`'s other arguments.

    Raises:
        ModelAuthenticationError: No key and no token: the message names the variable.

    Example:
        >>> client = AzureOpenAIChatCompletionClient(  # doctest: +SKIP
        ...     model="gpt-4o", azure_endpoint="https://NAME.openai.azure.com",
        ...     azure_deployment="gpt4o-prod", api_version="2024-10-21")
    """

    component_config_schema = imported_on_read(
        "agentparts.models.openai._azure_config", "AzureOpenAIClientConfig"
    )
    component_provider_override = "agentparts.models.openai.AzureOpenAIChatCompletionClient"
    component_env_vars: ClassVar[tuple[str, ...]] = (KEY_VARIABLE, TOKEN_VARIABLE)

    def __init__(
        self,
        model: str,
        *,
        azure_endpoint: str,
        api_version: str,
        azure_deployment: str | None = None,
        api_key: str | SecretStr | None = None,
        azure_ad_token: str | SecretStr | None = None,
        azure_ad_token_provider: TokenSource | ComponentModel | None = None,
        **kwargs: Any,
    ) -> None:
        from pydantic import SecretStr

        from ..._secrets import secret_from_env

        for name in ("base_url", "organization", "project"):
            if kwargs.get(name) is not None:
                raise TypeError(
                    f"AzureOpenAIChatCompletionClient takes no {name}=: give azure_endpoint= "
                    "(and azure_deployment=), or use OpenAIChatCompletionClient with "
                    "base_url= for Azure's OpenAI-compatible v1 API."
                )
            kwargs.pop(name, None)
        provider = _token_source(azure_ad_token_provider)
        key = SecretStr(api_key) if isinstance(api_key, str) else api_key
        token = SecretStr(azure_ad_token) if isinstance(azure_ad_token, str) else azure_ad_token
        if key is None and token is None and provider is None:
            key = secret_from_env(KEY_VARIABLE)
            token = secret_from_env(TOKEN_VARIABLE) if key is None else None
        if key is None and token is None and provider is None:
            raise ModelAuthenticationError(
                f"No credential for Azure OpenAI at {azure_endpoint}: pass api_key=, set the "
                f"{KEY_VARIABLE} environment variable, or give an Entra ID token "
                "provider (azure_ad_token_provider=AzureTokenProvider(DefaultAzureCredential(), "
                "'https://cognitiveservices.azure.com/.default'))."
            )
        endpoint = azure_endpoint.rstrip("/")
        # The OpenAI client gets an empty key (no Authorization header, no OPENAI_API_KEY
        # fallback); the Azure headers and route replace its own below.
        super().__init__(model, api_key=SecretStr(""), base_url=endpoint, **kwargs)
        deployment = azure_deployment or model
        self._azure_values: dict[str, Any] = dict(
            azure_endpoint=azure_endpoint,
            azure_deployment=azure_deployment,
            api_version=api_version,
            api_key=key,
            azure_ad_token=token,
        )
        self._token_provider: Any = provider
        self._static_token = token.get_secret_value() if token is not None else None
        secret = key.get_secret_value() if key is not None else None
        headers = {"content-type": "application/json", "accept": "application/json"}
        if secret:
            headers["api-key"] = secret
        elif self._static_token:
            headers["authorization"] = f"Bearer {self._static_token}"
        headers.update(kwargs.get("default_headers") or {})
        limits: HttpLimits = self._transport.limits
        retry: RetryPolicy = self._transport.retry
        url = (
            f"{endpoint}/openai/deployments/{quote(deployment, safe='')}/chat/completions"
            f"?api-version={quote(api_version, safe='')}"
        )
        self._headers = headers
        self._transport = AzureTransport(
            endpoint,
            url,
            model,
            limits,
            retry,
            Redactor(secret, self._static_token),
            _KEY_HINT,
            deployment=deployment,
            api_version=api_version,
            auth_headers=self._bearer if provider is not None else None,
        )
        self._pool = ShardedPool(
            headers,
            max(limits.timeout, limits.stream_idle_timeout),
            kwargs.get("max_connections", 100),
            tls=tls_may_be_needed(endpoint),
        )

    async def _bearer(self) -> dict[str, str]:
        return {"authorization": f"Bearer {await bearer_token(self._token_provider)}"}

    @property
    def azure_deployment(self) -> str:
        """The deployment requests go to."""
        transport = self._transport
        assert isinstance(transport, AzureTransport)
        return transport.deployment

    # --- component -------------------------------------------------------------------

    def _to_config(self) -> AzureOpenAIClientConfig:
        values = {k: v for k, v in self._config_values.items() if k not in ("base_url", "api_key")}
        values.pop("organization", None)
        values.update(self._azure_values)
        provider = self._token_provider
        if provider is not None:
            dump = getattr(provider, "dump_component", None)
            if dump is None:
                raise ValueError(
                    "This AzureOpenAIChatCompletionClient cannot be saved: its "
                    "azure_ad_token_provider is a plain function. Use "
                    "agentparts.auth.azure.AzureTokenProvider, which is saved with the client."
                )
            values["azure_ad_token_provider"] = dump()
        from ._azure_config import AzureOpenAIClientConfig

        return AzureOpenAIClientConfig.model_validate(values)

    @classmethod
    def _from_config(cls, config: OpenAIClientConfig) -> Self:
        from ._azure_config import AzureOpenAIClientConfig

        assert isinstance(config, AzureOpenAIClientConfig)
        values: dict[str, Any] = {n: getattr(config, n) for n in type(config).model_fields}
        for name in ("base_url", "organization", "project"):
            if values.pop(name) is not None:
                raise ValueError(
                    f"config.{name} is not an AzureOpenAIChatCompletionClient field: give "
                    "azure_endpoint (and azure_deployment) instead."
                )
        model = values.pop("model")
        values = {k: v for k, v in values.items() if v is not None or k == "azure_deployment"}
        return cls(model, **values)

    @classmethod
    def _capabilities(cls, config: OpenAIClientConfig) -> list[Capability]:
        from ..._capabilities import env_read, network
        from ._azure_config import AzureOpenAIClientConfig

        assert isinstance(config, AzureOpenAIClientConfig)
        found = [network(config.azure_endpoint, "Azure OpenAI endpoint")]
        if config.api_key is None and config.azure_ad_token_provider is None:
            found.append(env_read(KEY_VARIABLE, "the API key", only_if_set=True))
            if config.azure_ad_token is None:
                found.append(env_read(TOKEN_VARIABLE, "an Entra ID token", only_if_set=True))
        return found
