"""The Anthropic client's configuration types, at AutoGen's module path.

Code written against ``autogen_ext.models.anthropic.config`` ports by the rename.
``AnthropicClientConfigurationConfigModel`` is the client's saved form
(:class:`~agentparts.models.anthropic.AnthropicClientConfig`, one flat model) and
``ThinkingConfigModel`` is :class:`~agentparts.models.anthropic.ThinkingConfig`. AutoGen's
two lower layers, ``CreateArgumentsConfigModel`` and
``BaseAnthropicClientConfigurationConfigModel``, are defined here with AutoGen's fields and
defaults for code that builds or subclasses them; the client's config does not inherit
from them. The TypedDicts describe the clients' keyword arguments (``Unpack[...]``).

Note that, as in AutoGen, ``ThinkingConfig`` here is the TypedDict; the pydantic model of
the same name in ``agentparts.models.anthropic`` is ``ThinkingConfigModel`` here.
"""

from typing import Any, Literal, Required

from pydantic import BaseModel, ConfigDict, SecretStr
from typing_extensions import TypedDict

from .._model_info import ModelCapabilities as _ModelCapabilities
from .._model_info import ModelInfo as _ModelInfo
from ._bedrock import (
    AnthropicBedrockClientConfig as AnthropicBedrockClientConfigurationConfigModel,
)
from ._config import AnthropicClientConfig as AnthropicClientConfigurationConfigModel
from ._config import ThinkingConfig as ThinkingConfigModel

__all__ = [
    "AnthropicBedrockClientConfiguration",
    "AnthropicBedrockClientConfigurationConfigModel",
    "AnthropicClientConfiguration",
    "AnthropicClientConfigurationConfigModel",
    "BaseAnthropicClientConfiguration",
    "BaseAnthropicClientConfigurationConfigModel",
    "BedrockInfo",
    "BedrockInfoConfigModel",
    "CreateArguments",
    "CreateArgumentsConfigModel",
    "ResponseFormat",
    "ThinkingConfig",
    "ThinkingConfigModel",
]


class ResponseFormat(TypedDict):
    """A ``response_format`` request field: ``{"type": "json_object"}`` asks for JSON."""

    type: Literal["text", "json_object"]


class ThinkingConfig(TypedDict, total=False):
    """Extended thinking: ``{"type": "enabled", "budget_tokens": 2048}``.

    Attributes:
        type: ``"enabled"`` or ``"disabled"`` (required).
        budget_tokens: Tokens the model may think with (needed when enabled).
    """

    type: Required[Literal["enabled", "disabled"]]
    budget_tokens: int | None


class CreateArguments(TypedDict, total=False):
    """Request fields a client takes as defaults for every call (all optional)."""

    model: str
    max_tokens: int | None
    temperature: float | None
    top_p: float | None
    top_k: int | None
    stop_sequences: list[str] | None
    response_format: ResponseFormat | None
    metadata: dict[str, str] | None
    thinking: ThinkingConfig | None


class BedrockInfo(TypedDict):
    """The AWS account of a Claude model on Amazon Bedrock.

    agentparts cannot call Bedrock yet (see ``AnthropicBedrockChatCompletionClient``); the
    type exists so code that builds one ports.

    Attributes:
        aws_access_key: The account's access key.
        aws_secret_key: The account's secret key.
        aws_session_token: A session token.
        aws_region: The region of the Bedrock endpoint.
    """

    aws_access_key: Required[str]
    aws_secret_key: Required[str]
    aws_session_token: Required[str]
    aws_region: Required[str]


class BedrockInfoConfigModel(TypedDict):
    """:class:`BedrockInfo` as saved: the keys are ``SecretStr``."""

    aws_access_key: Required[SecretStr]
    aws_session_token: Required[SecretStr]
    aws_region: Required[str]
    aws_secret_key: Required[SecretStr]


class BaseAnthropicClientConfiguration(CreateArguments, total=False):
    """Keyword arguments of every Anthropic client: the request defaults plus these.

    Attributes:
        api_key: The key (default: ``ANTHROPIC_API_KEY``).
        base_url: The API's address (default: Anthropic's).
        model_capabilities: The older form of ``model_info``.
        model_info: What the model can do (default: known from the model name).
        timeout: Seconds to wait for a response.
        max_retries: Retries after a 429, a 5xx or a timeout.
        default_headers: Headers sent with every request.
    """

    api_key: str
    base_url: str | None
    model_capabilities: _ModelCapabilities
    model_info: _ModelInfo
    timeout: float | None
    max_retries: int | None
    default_headers: dict[str, str] | None


class AnthropicClientConfiguration(BaseAnthropicClientConfiguration, total=False):
    """Keyword arguments of ``AnthropicChatCompletionClient``: the base ones, default
    ``tools`` and ``tool_choice``."""

    tools: list[dict[str, Any]] | None
    tool_choice: Literal["auto", "any", "none"] | dict[str, Any] | None


class AnthropicBedrockClientConfiguration(AnthropicClientConfiguration, total=False):
    """Keyword arguments of ``AnthropicBedrockChatCompletionClient`` (not available yet)."""

    bedrock_info: BedrockInfo


class CreateArgumentsConfigModel(BaseModel):
    """AutoGen's saved request fields of an Anthropic client (``model`` required)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", allow_inf_nan=False)

    model: str
    max_tokens: int | None = 4096
    temperature: float | None = 1.0
    top_p: float | None = None
    top_k: int | None = None
    stop_sequences: list[str] | None = None
    response_format: ResponseFormat | None = None
    metadata: dict[str, str] | None = None
    thinking: ThinkingConfigModel | None = None


class BaseAnthropicClientConfigurationConfigModel(CreateArgumentsConfigModel):
    """:class:`CreateArgumentsConfigModel` plus the connection fields every Anthropic
    client is saved with."""

    api_key: SecretStr | None = None
    base_url: str | None = None
    model_capabilities: _ModelCapabilities | None = None
    model_info: _ModelInfo | None = None
    timeout: float | None = None
    max_retries: int | None = None
    default_headers: dict[str, str] | None = None
