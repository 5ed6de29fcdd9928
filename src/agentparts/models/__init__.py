"""The model client interface and the messages and results it exchanges.

Implementations live in subpackages: ``agentparts.models.openai`` (any OpenAI-compatible
endpoint), ``agentparts.models.replay`` (scripted answers for tests and demos) and
``agentparts.models.cache`` (a caching wrapper). Importing this module loads no HTTP client;
the client interface and the model-info helpers load on first use (the messages import
this package for its message types only).
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._types import AssistantMessage as AssistantMessage
from ._types import ChatCompletionTokenLogprob as ChatCompletionTokenLogprob
from ._types import CreateResult as CreateResult
from ._types import FinishReasons as FinishReasons
from ._types import FunctionExecutionResult as FunctionExecutionResult
from ._types import FunctionExecutionResultMessage as FunctionExecutionResultMessage
from ._types import LLMMessage as LLMMessage
from ._types import RequestUsage as RequestUsage
from ._types import SystemMessage as SystemMessage
from ._types import TopLogprob as TopLogprob
from ._types import UserMessage as UserMessage

if TYPE_CHECKING:
    from ._client import ChatCompletionClient as ChatCompletionClient
    from ._client import count_tokens_compat as count_tokens_compat
    from ._client import remaining_tokens_compat as remaining_tokens_compat
    from ._model_info import ModelCapabilities as ModelCapabilities
    from ._model_info import ModelFamily as ModelFamily
    from ._model_info import ModelInfo as ModelInfo
    from ._model_info import validate_model_info as validate_model_info

__all__ = [
    "AssistantMessage",
    "ChatCompletionClient",
    "ChatCompletionTokenLogprob",
    "CreateResult",
    "FinishReasons",
    "FunctionExecutionResult",
    "FunctionExecutionResultMessage",
    "LLMMessage",
    "ModelCapabilities",
    "ModelFamily",
    "ModelInfo",
    "RequestUsage",
    "SystemMessage",
    "TopLogprob",
    "UserMessage",
    "count_tokens_compat",
    "remaining_tokens_compat",
    "validate_model_info",
]

# Names loaded on first use (module __getattr__), and the module that defines each.
_LAZY_NAMES = {
    "ChatCompletionClient": "._client",
    "count_tokens_compat": "._client",
    "remaining_tokens_compat": "._client",
    "ModelCapabilities": "._model_info",
    "ModelFamily": "._model_info",
    "ModelInfo": "._model_info",
    "validate_model_info": "._model_info",
}


def __getattr__(name: str) -> Any:
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
