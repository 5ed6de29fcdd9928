"""The OpenAI client's configuration types, at AutoGen's module path.

Third-party clients (Gemini, Groq, Together, ...) import these from
``autogen_ext.models.openai.config``; after the rename they come from here. The pydantic
models are agentparts' own (the ones ``agentparts.models.openai`` exports); the TypedDicts
describe the keyword arguments of the clients, for ``**kwargs: Unpack[...]``.

Importing this module does not load the client: ``AzureOpenAIClientConfigurationConfigModel``
(the Azure client's config) is loaded on first use.

Example:
    >>> from agentparts.models.openai.config import OpenAIClientConfigurationConfigModel
    >>> OpenAIClientConfigurationConfigModel(model="gpt-4o", temperature=0.2).temperature
    0.2
"""

import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, Required, TypeAlias

from typing_extensions import TypedDict

from .._model_info import ModelCapabilities as _ModelCapabilities
from .._model_info import ModelInfo as _ModelInfo
from ._config import (
    BaseOpenAIClientConfigurationConfigModel as BaseOpenAIClientConfigurationConfigModel,
)
from ._config import CreateArgumentsConfigModel as CreateArgumentsConfigModel
from ._config import (
    OpenAIClientConfigurationConfigModel as OpenAIClientConfigurationConfigModel,
)

if TYPE_CHECKING:
    from ._azure_config import (
        AzureOpenAIClientConfig as AzureOpenAIClientConfigurationConfigModel,
    )

__all__ = [
    "AsyncAzureADTokenProvider",
    "AzureOpenAIClientConfiguration",
    "AzureOpenAIClientConfigurationConfigModel",
    "BaseOpenAIClientConfiguration",
    "BaseOpenAIClientConfigurationConfigModel",
    "CreateArguments",
    "CreateArgumentsConfigModel",
    "JSONSchema",
    "OpenAIClientConfiguration",
    "OpenAIClientConfigurationConfigModel",
    "ResponseFormat",
    "StreamOptions",
]


class JSONSchema(TypedDict, total=False):
    """The ``json_schema`` part of a structured-output ``response_format``.

    Attributes:
        name: The format's name (letters, digits, ``_`` and ``-``, at most 64 characters).
        description: What the format is for; the model reads it.
        schema: The JSON Schema the answer must follow.
        strict: Ask the provider to enforce the schema exactly (a subset of JSON Schema).
    """

    name: Required[str]
    description: str
    schema: dict[str, object]
    strict: bool | None


class ResponseFormat(TypedDict):
    """A ``response_format`` request field.

    Example:
        >>> ResponseFormat(type="json_object", json_schema=None)
        {'type': 'json_object', 'json_schema': None}
    """

    type: Literal["text", "json_object", "json_schema"]
    json_schema: JSONSchema | None


class StreamOptions(TypedDict):
    """The ``stream_options`` request field (``include_usage``: report usage when streaming)."""

    include_usage: bool


class CreateArguments(TypedDict, total=False):
    """Request fields a client takes as defaults for every call (all optional).

    ``reasoning_effort`` applies to reasoning models only (``"minimal"`` is the fastest,
    ``"high"`` the most thorough).
    """

    frequency_penalty: float | None
    logit_bias: dict[str, int] | None
    max_tokens: int | None
    n: int | None
    presence_penalty: float | None
    response_format: ResponseFormat
    seed: int | None
    stop: str | list[str] | None
    temperature: float | None
    top_p: float | None
    user: str
    stream_options: StreamOptions | None
    parallel_tool_calls: bool | None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None


AsyncAzureADTokenProvider: TypeAlias = Callable[[], str | Awaitable[str]]
"""A callable giving an Entra ID token, directly or as an awaitable (an
``agentparts.auth.azure.AzureTokenProvider`` is one)."""


class BaseOpenAIClientConfiguration(CreateArguments, total=False):
    """Keyword arguments every OpenAI-style client takes: the request defaults plus these.

    Attributes:
        model: The model name.
        api_key: The key (default: the provider's environment variable).
        timeout: Seconds to wait for a response.
        max_retries: Retries after a 429, a 5xx or a timeout.
        model_capabilities: The older form of ``model_info``.
        model_info: What the model can do (default: known from the model name).
        add_name_prefixes: Prefix each message with its source's name.
        include_name_in_message: Send the ``name`` field of user messages (turn off for
            providers that refuse it).
        default_headers: Headers sent with every request.
    """

    model: str
    api_key: str
    timeout: float | None
    max_retries: int
    model_capabilities: _ModelCapabilities
    model_info: _ModelInfo
    add_name_prefixes: bool
    include_name_in_message: bool
    default_headers: dict[str, str] | None


class OpenAIClientConfiguration(BaseOpenAIClientConfiguration, total=False):
    """Keyword arguments of ``OpenAIChatCompletionClient``: the base ones, ``organization``
    and ``base_url`` (the endpoint of any OpenAI-compatible API)."""

    organization: str
    base_url: str


class AzureOpenAIClientConfiguration(BaseOpenAIClientConfiguration, total=False):
    """Keyword arguments of ``AzureOpenAIChatCompletionClient``: the base ones plus these.

    Attributes:
        azure_endpoint: The resource's endpoint (required).
        azure_deployment: The deployment name.
        api_version: The Azure OpenAI API version (required).
        azure_ad_token: An Entra ID token, instead of a key.
        azure_ad_token_provider: Gives Entra ID tokens, instead of a key.
    """

    azure_endpoint: Required[str]
    azure_deployment: str
    api_version: Required[str]
    azure_ad_token: str
    azure_ad_token_provider: AsyncAzureADTokenProvider


def __getattr__(name: str) -> Any:
    # The Azure config class has its own module (beside the Azure client): loaded only
    # when asked for.
    if name != "AzureOpenAIClientConfigurationConfigModel":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = importlib.import_module("._azure_config", __package__).AzureOpenAIClientConfig
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
