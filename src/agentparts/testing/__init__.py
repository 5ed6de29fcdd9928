"""Test helpers shipped with agentparts, for its own tests, benchmarks and extension authors.

:class:`OpenAITestServer` is a real local HTTP server speaking the OpenAI Chat Completions
wire protocol, scripted with :class:`ScriptedReply` and :class:`Fault`;
:class:`AnthropicTestServer` speaks Anthropic's Messages API with the same script.

:class:`ChatCompletionClientTests`, :class:`CodeExecutorTests` and :class:`ToolTests` are
conformance suites an extension author subclasses for their own component (they need
pytest and pytest-asyncio: ``pip install agentparts[testing]``).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package
from ._anthropic_server import AnthropicTestServer as AnthropicTestServer
from ._ollama_server import OllamaTestServer as OllamaTestServer
from ._openai_server import OpenAITestServer as OpenAITestServer
from ._scripted import Fault as Fault
from ._scripted import RecordedRequest as RecordedRequest
from ._scripted import Responder as Responder
from ._scripted import ScriptedReply as ScriptedReply
from ._scripted import ScriptedToolCall as ScriptedToolCall

if TYPE_CHECKING:  # the conformance suites need pytest: loaded on first use
    from ._client_tests import ChatCompletionClientTests as ChatCompletionClientTests
    from ._executor_tests import CodeExecutorTests as CodeExecutorTests
    from ._tool_tests import ToolTests as ToolTests
    from ._tool_tests import check_json_schema as check_json_schema

__all__ = [
    "AnthropicTestServer",
    "ChatCompletionClientTests",
    "CodeExecutorTests",
    "Fault",
    "OllamaTestServer",
    "OpenAITestServer",
    "RecordedRequest",
    "Responder",
    "ScriptedReply",
    "ScriptedToolCall",
    "ToolTests",
    "check_json_schema",
]

_SUITES = {
    "ChatCompletionClientTests": "._client_tests",
    "CodeExecutorTests": "._executor_tests",
    "ToolTests": "._tool_tests",
    "check_json_schema": "._tool_tests",
}


__getattr__, __dir__ = _lazy_package(__name__, _SUITES, __all__)
