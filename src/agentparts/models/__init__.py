"""The model client interface and the messages and results it exchanges.

Implementations live in subpackages: ``agentparts.models.openai`` (any OpenAI-compatible
endpoint), ``agentparts.models.replay`` (scripted answers for tests and demos) and
``agentparts.models.cache`` (a caching wrapper). Importing this module loads no HTTP client.
"""

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
