"""The saved form of an ``AzureOpenAIChatCompletionClient``.

Apart from the client so that importing the client does not define a Pydantic model: the
class is imported by the first save or load (``component_config_schema``).
"""

from __future__ import annotations

from pydantic import SecretStr

from ..._component_model import ComponentModel
from ._config import OpenAIClientConfig

__all__ = ["AzureOpenAIClientConfig"]


class AzureOpenAIClientConfig(OpenAIClientConfig):
    """The saved form of an :class:`AzureOpenAIChatCompletionClient` (see its arguments)."""

    azure_endpoint: str
    azure_deployment: str | None = None
    api_version: str
    azure_ad_token: SecretStr | None = None
    azure_ad_token_provider: ComponentModel | None = None
