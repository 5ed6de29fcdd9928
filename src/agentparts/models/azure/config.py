"""The Azure AI client's configuration types, at AutoGen's module path.

Code written against ``autogen_ext.models.azure.config`` ports by the rename. The
TypedDicts describe the keyword arguments of
:class:`~agentparts.models.azure.AzureAIChatCompletionClient` (``Unpack[...]``); its saved
form is :class:`~agentparts.models.azure.AzureAIClientConfig`. No Azure SDK is needed: where
AutoGen names an ``azure-ai-inference`` or ``azure-core`` type, these take any value.
"""

from typing import Any, Literal

from typing_extensions import TypedDict

from .._model_info import ModelInfo as _ModelInfo
from ._defaults import GITHUB_MODELS_ENDPOINT as GITHUB_MODELS_ENDPOINT

__all__ = [
    "GITHUB_MODELS_ENDPOINT",
    "AzureAIChatCompletionClientConfig",
    "AzureAIClientArguments",
    "AzureAICreateArguments",
    "JsonSchemaFormat",
]


class JsonSchemaFormat(TypedDict, total=False):
    """A JSON-schema response format (the fields of the SDK's ``JsonSchemaFormat``).

    Attributes:
        name: The format's name.
        schema: The JSON Schema the answer must follow.
        description: What the format is for; the model reads it.
        strict: Ask the endpoint to enforce the schema exactly.
    """

    name: str
    schema: dict[str, Any]
    description: str | None
    strict: bool | None


class AzureAIClientArguments(TypedDict, total=False):
    """Where and how the client connects.

    Attributes:
        endpoint: E.g. ``https://NAME.services.ai.azure.com/models`` or
            :data:`GITHUB_MODELS_ENDPOINT`.
        credential: A key (str, ``SecretStr`` or ``AzureKeyCredential``), an
            ``AzureTokenProvider`` or an azure-identity credential.
        model_info: What the model can do (required by the client).
    """

    endpoint: str
    credential: Any
    model_info: _ModelInfo


class AzureAICreateArguments(TypedDict, total=False):
    """Request fields the client takes as defaults for every call.

    ``tools`` and ``tool_choice`` are here as in AutoGen, but agentparts' client takes them
    per call (``create(tools=...)``) and refuses them here with a ``TypeError``.
    """

    frequency_penalty: float | None
    presence_penalty: float | None
    temperature: float | None
    top_p: float | None
    max_tokens: int | None
    response_format: Literal["text", "json_object"] | None
    stop: list[str] | None
    tools: list[Any] | None
    tool_choice: Any
    seed: int | None
    model: str | None
    model_extras: dict[str, Any] | None


class AzureAIChatCompletionClientConfig(AzureAIClientArguments, AzureAICreateArguments):
    """All keyword arguments of ``AzureAIChatCompletionClient`` (each optional here)."""
