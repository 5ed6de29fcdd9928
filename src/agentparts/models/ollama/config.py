"""The Ollama client's configuration types, at AutoGen's module path.

Code written against ``autogen_ext.models.ollama.config`` ports by the rename.
``BaseOllamaClientConfigurationConfigModel`` is the client's saved form
(:class:`~agentparts.models.ollama.OllamaClientConfig`, one flat model: ``options`` is a
mapping, never an ``ollama.Options`` object, since agentparts does not use the ``ollama``
package). ``CreateArgumentsConfigModel`` is defined here with AutoGen's fields; the
client's config does not inherit from it. The TypedDicts describe the client's keyword
arguments (``Unpack[...]``).
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict
from typing_extensions import TypedDict

from .._model_info import ModelCapabilities as _ModelCapabilities
from .._model_info import ModelInfo as _ModelInfo
from ._config import OllamaClientConfig as BaseOllamaClientConfigurationConfigModel

__all__ = [
    "BaseOllamaClientConfiguration",
    "BaseOllamaClientConfigurationConfigModel",
    "CreateArguments",
    "CreateArgumentsConfigModel",
]


class CreateArguments(TypedDict, total=False):
    """Request fields of an Ollama client (all optional).

    Attributes:
        model: The model name.
        host: The server's address (default: ``OLLAMA_HOST`` or ``http://127.0.0.1:11434``).
        response_format: A pydantic model class the answer must follow, or None.
    """

    model: str
    host: str | None
    response_format: Any


class BaseOllamaClientConfiguration(CreateArguments, total=False):
    """Keyword arguments of ``OllamaChatCompletionClient``: the request fields plus these.

    Attributes:
        follow_redirects: Follow HTTP redirects.
        timeout: Seconds to wait for a response.
        headers: Headers sent with every request.
        model_capabilities: The older form of ``model_info``.
        model_info: What the model can do (default: known from the model name).
        options: Ollama's model options (``{"temperature": 0.2, "num_ctx": 8192}``).
    """

    follow_redirects: bool
    timeout: Any
    headers: Mapping[str, str] | None
    model_capabilities: _ModelCapabilities
    model_info: _ModelInfo
    options: Mapping[str, Any] | None


class CreateArgumentsConfigModel(BaseModel):
    """AutoGen's saved request fields of an Ollama client (``model`` required)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", allow_inf_nan=False)

    model: str
    host: str | None = None
    response_format: Any = None
