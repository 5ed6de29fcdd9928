"""``AzureAIChatCompletionClient``: Azure AI model inference (``/chat/completions``)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self
from urllib.parse import quote, urlsplit

from ..._lazy import imported_on_read
from ...errors import ModelAuthenticationError
from .._http import Redactor, ShardedPool, tls_may_be_needed
from .._model_info import ModelInfo, validate_model_info
from ..openai._azure import bearer_token
from ..openai._azure_transport import AzureTransport
from ..openai._client import OpenAIChatCompletionClient
from ._defaults import DEFAULT_API_VERSION as DEFAULT_API_VERSION
from ._defaults import GITHUB_MODELS_ENDPOINT as GITHUB_MODELS_ENDPOINT

if TYPE_CHECKING:
    from pydantic import BaseModel, SecretStr

    from ..._capabilities import Capability
    from ...tools import Tool, ToolSchema
    from .._types import LLMMessage
    from ..openai._config import OpenAIClientConfig
    from ._config import AzureAIClientConfig

__all__ = ["AzureAIChatCompletionClient"]

KEY_VARIABLE = "AZURE_AI_API_KEY"
TOKEN_SCOPE = "https://ml.azure.com/.default"
_GITHUB_HOSTS = ("models.github.ai", "models.inference.ai.azure.com")
_CREATE_ARGS = (
    "frequency_penalty",
    "presence_penalty",
    "temperature",
    "top_p",
    "max_tokens",
    "response_format",
    "stop",
    "seed",
)


def _is_github(endpoint: str) -> bool:
    return (urlsplit(endpoint).hostname or "") in _GITHUB_HOSTS


def _credential(credential: Any, endpoint: str) -> tuple[SecretStr | None, Any]:
    """``(key, token provider)`` from what was given (one of them is None)."""
    from pydantic import SecretStr

    from ..._component_model import ComponentModel
    from ..._secrets import secret_from_env

    if credential is None:
        key = secret_from_env(KEY_VARIABLE)
        if key is None and _is_github(endpoint):
            key = secret_from_env("GITHUB_TOKEN")
        if key is None:
            extra = " (or GITHUB_TOKEN for GitHub Models)" if _is_github(endpoint) else ""
            raise ModelAuthenticationError(
                f"No credential for the Azure AI endpoint {endpoint}: pass credential= (a key, "
                f"or an AzureTokenProvider), or set the {KEY_VARIABLE} environment variable"
                f"{extra}."
            )
        return key, None
    if isinstance(credential, str):
        return SecretStr(credential), None
    if isinstance(credential, SecretStr):
        return credential, None
    if isinstance(credential, ComponentModel | dict):
        from ...auth.azure import AzureTokenProvider

        return None, AzureTokenProvider.load_component(credential)  # pyright: ignore[reportUnknownArgumentType]
    key_value = getattr(credential, "key", None)
    if isinstance(key_value, str):  # azure.core.credentials.AzureKeyCredential
        return SecretStr(key_value), None
    getter = getattr(credential, "get_token", None)
    if getter is not None and not hasattr(credential, "dump_component"):
        return None, _azure_credential(credential, getter)
    if callable(credential):
        return None, credential
    raise TypeError(
        f"credential must be a key (str or SecretStr), an AzureKeyCredential, an "
        f"AzureTokenProvider or an azure-identity credential, not {type(credential).__name__}."
    )


def _azure_credential(credential: Any, getter: Any) -> Any:
    """A token provider from an azure-identity credential (sync or async)."""
    if inspect.iscoroutinefunction(getter):

        async def token() -> str:
            return str((await getter(TOKEN_SCOPE)).token)

        return token
    from ...auth.azure import AzureTokenProvider

    return AzureTokenProvider(credential, TOKEN_SCOPE)


class AzureAIChatCompletionClient(OpenAIChatCompletionClient):
    """A model client for Azure AI model inference endpoints (Azure AI Foundry models,
    GitHub Models), as AutoGen's ``AzureAIChatCompletionClient``.

    Requests go to ``{endpoint}/chat/completions?api-version={api_version}`` in the
    OpenAI wire format, with the key as a bearer token (as the ``azure-ai-inference`` SDK
    sends it) or an Entra ID token (scope ``https://ml.azure.com/.default``). Messages,
    tools, streaming, limits and retries are the OpenAI client's.

    Args:
        endpoint: E.g. ``https://NAME.services.ai.azure.com/models`` or
            ``https://models.github.ai/inference``.
        credential: A key (str, ``SecretStr`` or ``AzureKeyCredential``), an
            :class:`~agentparts.auth.azure.AzureTokenProvider`, or an azure-identity
            credential. Default: the ``AZURE_AI_API_KEY`` environment variable (for
            GitHub Models also ``GITHUB_TOKEN``), saved as a reference to it.
        model_info: What the model can do. Required, as in AutoGen.
        model: The model name (required by GitHub Models and multi-model endpoints).
        api_version: The API version (default ``"2024-05-01-preview"``).
        model_extras: Model-specific fields sent as they are (with the
            ``extra-parameters: pass-through`` header).
        **kwargs: Request fields (``frequency_penalty``, ``presence_penalty``,
            ``temperature``, ``top_p``, ``max_tokens``, ``response_format``, ``stop``,
            ``seed``) and the limits of :class:`OpenAIChatCompletionClient`.

    Raises:
        ModelAuthenticationError: No credential: the message names the variable.
        ValueError: ``model_info`` is missing a required key.
    """

    component_config_schema = imported_on_read(
        "agentparts.models.azure._config", "AzureAIClientConfig"
    )
    component_provider_override = "agentparts.models.azure.AzureAIChatCompletionClient"
    component_env_vars: ClassVar[tuple[str, ...]] = (KEY_VARIABLE, "GITHUB_TOKEN")

    def __init__(
        self,
        *,
        endpoint: str,
        model_info: ModelInfo,
        credential: Any = None,
        model: str | None = None,
        api_version: str = DEFAULT_API_VERSION,
        model_extras: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        from pydantic import SecretStr

        validate_model_info(model_info)
        for name in ("tools", "tool_choice"):
            if kwargs.pop(name, None) is not None:
                raise TypeError(f"Pass {name}= to create(), not to the client.")
        key, provider = _credential(credential, endpoint)
        root = endpoint.rstrip("/")
        super().__init__(
            model or "",
            api_key=SecretStr(""),
            base_url=root,
            model_info=model_info,
            include_name_in_message=False,
            stream_usage=False,
            **kwargs,
        )
        self._send_model = bool(model)
        self._extras = dict(model_extras or {})
        saved_credential: Any = key
        if provider is not None:
            dump = getattr(provider, "dump_component", None)
            saved_credential = dump if dump is not None else None
        self._ai_values: dict[str, Any] = dict(
            endpoint=endpoint,
            credential=saved_credential,
            model_info=dict(model_info),
            model=model,
            api_version=api_version,
            model_extras=self._extras or None,
            **{k: kwargs.get(k) for k in _CREATE_ARGS},
            **{k: v for k, v in kwargs.items() if k not in _CREATE_ARGS},
        )
        self._token_provider: Any = provider
        secret = key.get_secret_value() if key is not None else None
        headers = {"content-type": "application/json", "accept": "application/json"}
        if secret:
            headers["authorization"] = f"Bearer {secret}"
        if self._extras:
            headers["extra-parameters"] = "pass-through"
        headers.update(kwargs.get("default_headers") or {})
        limits = self._transport.limits
        url = f"{root}/chat/completions?api-version={quote(api_version, safe='')}"
        self._headers = headers
        self._transport = AzureTransport(
            root,
            url,
            model or "(the endpoint's model)",
            limits,
            self._transport.retry,
            Redactor(secret),
            f"credential= or the {KEY_VARIABLE} environment variable",
            deployment=model or "(default)",
            api_version=api_version,
            auth_headers=self._bearer if provider is not None else None,
        )
        self._pool = ShardedPool(
            headers,
            max(limits.timeout, limits.stream_idle_timeout),
            kwargs.get("max_connections", 100),
            tls=tls_may_be_needed(root),
        )

    async def _bearer(self) -> dict[str, str]:
        return {"authorization": f"Bearer {await bearer_token(self._token_provider)}"}

    def _request(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Tool | Literal["auto", "required", "none"],
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
        stream: bool,
    ) -> dict[str, Any]:
        body = super()._request(
            messages, tools, tool_choice, json_output, extra_create_args, stream
        )
        if not self._send_model:
            body.pop("model", None)
        if isinstance(body.get("response_format"), str):
            body["response_format"] = {"type": body["response_format"]}
        for name, value in self._extras.items():
            body.setdefault(name, value)
        return body

    # --- component -------------------------------------------------------------------

    def _to_config(self) -> AzureAIClientConfig:  # pyright: ignore[reportIncompatibleMethodOverride]
        from pydantic import SecretStr

        from ._config import AzureAIClientConfig

        values = dict(self._ai_values)
        credential = values["credential"]
        if callable(credential) and not isinstance(credential, SecretStr):
            values["credential"] = credential()
        elif credential is None:
            raise ValueError(
                "This AzureAIChatCompletionClient cannot be saved: its credential is an "
                "azure-identity credential object. Use a key, or "
                "agentparts.auth.azure.AzureTokenProvider, which is saved with the client."
            )
        return AzureAIClientConfig.model_validate(values)

    @classmethod
    def _from_config(cls, config: OpenAIClientConfig | AzureAIClientConfig) -> Self:  # pyright: ignore[reportIncompatibleMethodOverride]
        from ._config import AzureAIClientConfig

        assert isinstance(config, AzureAIClientConfig)
        values: dict[str, Any] = {n: getattr(config, n) for n in type(config).model_fields}
        values["model_info"] = ModelInfo(**values["model_info"])
        values = {k: v for k, v in values.items() if v is not None}
        return cls(**values)

    @classmethod
    def _capabilities(cls, config: OpenAIClientConfig | AzureAIClientConfig) -> list[Capability]:  # pyright: ignore[reportIncompatibleMethodOverride]
        from ..._capabilities import env_read, network
        from ._config import AzureAIClientConfig

        assert isinstance(config, AzureAIClientConfig)
        found = [network(config.endpoint, "Azure AI model inference endpoint")]
        if config.credential is None:
            found.append(env_read(KEY_VARIABLE, "the API key", only_if_set=True))
            if _is_github(config.endpoint):
                found.append(env_read("GITHUB_TOKEN", "the API key", only_if_set=True))
        return found
