"""The model client interface and the messages and results it exchanges.

Implementations live in subpackages: ``agentparts.models.openai`` (any OpenAI-compatible
endpoint), ``agentparts.models.replay`` (scripted answers for tests and demos) and
``agentparts.models.cache`` (a caching wrapper). Importing this module loads no HTTP client
and no Pydantic model: each name is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._client import ChatCompletionClient as ChatCompletionClient
    from ._client import count_tokens_compat as count_tokens_compat
    from ._client import remaining_tokens_compat as remaining_tokens_compat
    from ._model_info import ModelCapabilities as ModelCapabilities
    from ._model_info import ModelFamily as ModelFamily
    from ._model_info import ModelInfo as ModelInfo
    from ._model_info import validate_model_info as validate_model_info
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

# Names loaded on first use (module __getattr__), and the module that defines each. The
# message and result types are Pydantic models: importing them loads Pydantic's model
# machinery, which a program that only names a client class should not pay for.
_LAZY_NAMES = {
    "AssistantMessage": "._types",
    "ChatCompletionClient": "._client",
    "ChatCompletionTokenLogprob": "._types",
    "CreateResult": "._types",
    "FinishReasons": "._types",
    "FunctionExecutionResult": "._types",
    "FunctionExecutionResultMessage": "._types",
    "LLMMessage": "._types",
    "ModelCapabilities": "._model_info",
    "ModelFamily": "._model_info",
    "ModelInfo": "._model_info",
    "RequestUsage": "._types",
    "SystemMessage": "._types",
    "TopLogprob": "._types",
    "UserMessage": "._types",
    "count_tokens_compat": "._client",
    "remaining_tokens_compat": "._client",
    "validate_model_info": "._model_info",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
