"""Console renders a real agent run (AssistantAgent on the scripted Replay client)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentparts import FunctionCall
from agentparts.agents import AssistantAgent
from agentparts.base import TaskResult
from agentparts.messages import TextMessage
from agentparts.models import CreateResult, ModelInfo, RequestUsage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.ui import Console

CALLS_TOOLS = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=False,
    family="unknown",
    structured_output=False,
)
"""The scripted model calls tools (the replay client's default, as AutoGen's, is text only)."""


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def divide(a: int, b: int) -> float:
    """Divide a by b."""
    return a / b


def _agent(call: str = "add", arguments: str = '{"a": 2, "b": 3}', stream: bool = False) -> Any:
    client = ReplayChatCompletionClient(
        [
            CreateResult(
                finish_reason="function_calls",
                content=[FunctionCall(id="c1", name=call, arguments=arguments)],
                usage=RequestUsage(prompt_tokens=10, completion_tokens=5),
            ),
            # A string streams word by word; a scripted CreateResult streams whole (AutoGen).
            "The sum is 5."
            if stream
            else CreateResult(
                finish_reason="stop",
                content="The sum is 5.",
                usage=RequestUsage(prompt_tokens=20, completion_tokens=4),
            ),
        ],
        model_info=CALLS_TOOLS,
    )
    return AssistantAgent(
        "helper",
        client,
        tools=[add, divide],
        reflect_on_tool_use=True,
        model_client_stream=stream,
    )


async def test_plain_output_shows_messages_tool_calls_results_and_summary() -> None:
    out = io.StringIO()
    result = await Console(_agent().run_stream(task="Add 2 and 3"), file=out)
    assert isinstance(result, TaskResult)
    text = out.getvalue()
    assert "---------- TextMessage (user) ----------\nAdd 2 and 3" in text
    assert '-> add({"a": 2, "b": 3})' in text
    assert "<- add: 5" in text
    assert "The sum is 5." in text
    assert "---------- Summary ----------" in text
    assert "Tool calls: 1" in text
    assert "Tokens: 30 prompt, 9 completion" in text
    assert "Duration: " in text


async def test_streamed_text_is_printed_once() -> None:
    out = io.StringIO()
    await Console(_agent(stream=True).run_stream(task="Add 2 and 3"), file=out)
    text = out.getvalue()
    assert "---------- streaming (helper) ----------" in text
    assert text.count("The sum is 5.") == 1
    # Replay counts the words of the text messages, as AutoGen (which prints 24 here too).
    assert "[Prompt tokens: 24, Completion tokens: 4]" in text


async def test_tool_errors_are_marked() -> None:
    out = io.StringIO()
    await Console(_agent("divide", '{"a": 1, "b": 0}').run_stream(task="Divide 1 by 0"), file=out)
    assert "!! error divide:" in out.getvalue()
    assert "ZeroDivisionError" in out.getvalue()


async def test_rich_output_when_asked() -> None:
    out = io.StringIO()
    await Console(_agent(stream=True).run_stream(task="Add 2 and 3"), file=out, plain=False)
    text = out.getvalue()
    assert "→ tool add" in text
    assert "add result" in text  # the panel title of the tool result
    assert "The sum is 5." in text
    assert "Summary" in text
    assert "----------" not in text


async def test_without_stats_there_is_no_summary() -> None:
    out = io.StringIO()
    await Console(_agent().run_stream(task="Add"), file=out, output_stats=False)
    assert "Summary" not in out.getvalue()
    assert "Prompt tokens" not in out.getvalue()


async def test_a_stream_without_result_is_an_error() -> None:
    async def only_messages() -> AsyncIterator[Any]:
        yield TextMessage(content="hi", source="user")

    out = io.StringIO()
    with pytest.raises(ValueError, match="without a TaskResult"):
        await Console(only_messages(), file=out)
    assert "hi" in out.getvalue()


async def test_response_streams_from_on_messages_stream() -> None:
    out = io.StringIO()
    agent = _agent()
    response = await Console(
        agent.on_messages_stream([TextMessage(content="Add", source="user")], _token()),
        file=out,
    )
    assert response.chat_message.to_text() == "The sum is 5."
    assert out.getvalue().count("The sum is 5.") == 1


def _token() -> Any:
    from agentparts import CancellationToken

    return CancellationToken()


def test_importing_the_console_and_local_model_loads_no_heavy_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys, agentparts.ui, agentparts.models.llama_cpp\n"
        "print([m for m in ('rich', 'llama_cpp', 'jinja2', 'httpx') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
