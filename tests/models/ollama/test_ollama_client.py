"""OllamaChatCompletionClient against the real local OllamaTestServer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken, FunctionCall, Image
from agentparts.errors import (
    ModelCapabilityError,
    ModelConnectionError,
    ModelNotFoundError,
    ModelRateLimitError,
    ModelResponseError,
    ModelStreamError,
)
from agentparts.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.ollama import OllamaChatCompletionClient
from agentparts.models.ollama._client import normalize_host
from agentparts.testing import Fault, OllamaTestServer, ScriptedReply, ScriptedToolCall
from agentparts.tools import FunctionTool

MESSAGES = [
    SystemMessage(content="You are terse."),
    UserMessage(content="Say hello", source="user"),
]


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


ADD = FunctionTool(add, description="Add two numbers.")


@pytest.fixture
async def server() -> AsyncIterator[OllamaTestServer]:
    async with OllamaTestServer(
        models=["llama3.2", "mystery:7b", "plain:1b"],
        capabilities={"mystery:7b": ["completion", "tools", "vision"], "plain:1b": []},
    ) as running:
        yield running


_made: list[OllamaChatCompletionClient] = []


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    while _made:
        await _made.pop().close()


def make(
    server: OllamaTestServer, model: str = "llama3.2", **kwargs: Any
) -> OllamaChatCompletionClient:
    options: dict[str, Any] = {"retry_initial_delay": 0.001, "retry_max_delay": 0.002}
    options.update(kwargs)
    client = OllamaChatCompletionClient(model, host=server.base_url, **options)
    _made.append(client)
    return client


async def collect(stream: AsyncIterator[str | CreateResult]) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    async for item in stream:
        if isinstance(item, CreateResult):
            return chunks, item
        chunks.append(item)
    raise AssertionError("the stream ended without a CreateResult")


# --- text, options, usage ------------------------------------------------------------


async def test_text_goes_to_api_chat_with_stream_false(server: OllamaTestServer) -> None:
    server.script(ScriptedReply("Hello there!", prompt_tokens=11, completion_tokens=3))
    client = make(server, options={"temperature": 0.1, "num_ctx": 4096}, keep_alive="10m")
    result = await client.create(MESSAGES)
    assert result.content == "Hello there!"
    assert result.finish_reason == "stop"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (11, 3)
    request = server.last_request
    assert request.path == "/api/chat"
    assert request.body["stream"] is False
    assert request.body["options"] == {"temperature": 0.1, "num_ctx": 4096}
    assert request.body["keep_alive"] == "10m"
    assert request.body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hello"},
    ]
    assert client.total_usage().prompt_tokens == 11


async def test_per_call_options_merge_with_the_clients(server: OllamaTestServer) -> None:
    client = make(server, options={"temperature": 0.1, "num_ctx": 4096})
    await client.create(MESSAGES, extra_create_args={"options": {"temperature": 0.9}})
    assert server.last_request.body["options"] == {"temperature": 0.9, "num_ctx": 4096}
    with pytest.raises(TypeError, match="temperature go inside options"):
        await client.create(MESSAGES, extra_create_args={"temperature": 0.5})
    with pytest.raises(ValueError, match="not a finite number"):
        await client.create(MESSAGES, extra_create_args={"options": {"top_p": float("nan")}})


async def test_streaming_usage_equals_the_whole_answers(server: OllamaTestServer) -> None:
    client = make(server)
    reply = ScriptedReply("one two three four", prompt_tokens=21, completion_tokens=4)
    server.script(reply, reply)
    whole = await client.create(MESSAGES)
    chunks, streamed = await collect(client.create_stream(MESSAGES))
    assert chunks == ["one ", "two ", "three ", "four"]
    assert server.last_request.body["stream"] is True
    assert streamed.content == whole.content == "one two three four"
    assert streamed.usage == whole.usage
    assert (streamed.usage.prompt_tokens, streamed.usage.completion_tokens) == (21, 4)


async def test_think_is_sent_and_thinking_is_the_thought(server: OllamaTestServer) -> None:
    client = make(server, "qwen3", think=True)
    server.models = None
    reply = ScriptedReply("42", reasoning_content="six times seven")
    server.script(reply, reply)
    whole = await client.create(MESSAGES)
    assert server.last_request.body["think"] is True
    assert (whole.content, whole.thought) == ("42", "six times seven")
    chunks, streamed = await collect(client.create_stream(MESSAGES))
    assert chunks == ["42"]
    assert streamed.thought == "six times seven"


async def test_inline_think_tags_become_the_thought(server: OllamaTestServer) -> None:
    server.script(ScriptedReply("<think>plan it</think>The answer"))
    result = await make(server).create(MESSAGES)
    assert (result.content, result.thought) == ("The answer", "plan it")


# --- tools ---------------------------------------------------------------------------


async def test_one_tool_call_and_its_wire_form(server: OllamaTestServer) -> None:
    server.script(ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 1, "b": 2})]))
    result = await make(server).create(MESSAGES, tools=[ADD])
    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    (call,) = result.content
    assert (call.name, json.loads(call.arguments)) == ("add", {"a": 1, "b": 2})
    tool = server.last_request.body["tools"][0]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "add"
    assert tool["function"]["parameters"]["required"] == ["a", "b"]


async def test_parallel_tool_calls_stream_whole(server: OllamaTestServer) -> None:
    calls = [ScriptedToolCall("add", {"a": 1, "b": 2}), ScriptedToolCall("add", {"a": 3, "b": 4})]
    server.script(ScriptedReply(tool_calls=calls))
    chunks, result = await collect(make(server).create_stream(MESSAGES, tools=[ADD]))
    assert chunks == []
    assert isinstance(result.content, list)
    assert [json.loads(c.arguments) for c in result.content] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert len({c.id for c in result.content}) == 2
    assert result.usage.completion_tokens > 0


async def test_tool_results_and_errors_go_back_as_tool_messages(server: OllamaTestServer) -> None:
    history = [
        *MESSAGES,
        AssistantMessage(
            content=[
                FunctionCall(id="c1", name="add", arguments='{"a": 1, "b": 2}'),
                FunctionCall(id="c2", name="add", arguments='{"a": "x"}'),
            ],
            source="assistant",
        ),
        FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(content="3", name="add", call_id="c1"),
                FunctionExecutionResult(
                    content="b is missing", name="add", call_id="c2", is_error=True
                ),
            ]
        ),
    ]
    server.script("1 + 2 = 3")
    result = await make(server).create(history, tools=[ADD])
    assert result.content == "1 + 2 = 3"
    wire = server.last_request.body["messages"]
    assert wire[2]["tool_calls"] == [
        {"function": {"name": "add", "arguments": {"a": 1, "b": 2}}},
        {"function": {"name": "add", "arguments": {"a": "x"}}},
    ]
    assert wire[3] == {"role": "tool", "content": "3", "tool_name": "add"}
    assert wire[4] == {"role": "tool", "content": "Error: b is missing", "tool_name": "add"}


async def test_tool_choice_none_and_a_chosen_tool(server: OllamaTestServer) -> None:
    def mul(a: int, b: int) -> int:
        """Multiply."""
        return a * b

    client = make(server)
    await client.create(MESSAGES, tools=[ADD], tool_choice="none")
    assert "tools" not in server.last_request.body
    mul_tool = FunctionTool(mul, description="Multiply.")
    await client.create(MESSAGES, tools=[ADD, mul_tool], tool_choice=mul_tool)
    assert [t["function"]["name"] for t in server.last_request.body["tools"]] == ["mul"]


# --- structured output ---------------------------------------------------------------


class City(BaseModel):
    name: str
    population: int


async def test_structured_output_sends_the_schema_as_format(server: OllamaTestServer) -> None:
    server.script(ScriptedReply('{"name": "Oslo", "population": 709000}'))
    result = await make(server).create(MESSAGES, json_output=City)
    assert server.last_request.body["format"] == City.model_json_schema()
    assert isinstance(result.content, str)
    assert City.model_validate_json(result.content).name == "Oslo"
    await make(server).create(MESSAGES, json_output=True)
    assert server.last_request.body["format"] == "json"


async def test_autogen_response_format_is_sent_as_format(server: OllamaTestServer) -> None:
    client = make(server, response_format=City)
    await client.create(MESSAGES)
    assert server.last_request.body["format"] == City.model_json_schema()


# --- capabilities from /api/show -------------------------------------------------------


async def test_an_unknown_model_reads_its_capabilities_from_the_server(
    server: OllamaTestServer,
) -> None:
    client = make(server, "mystery:7b")
    assert client.model_info["vision"] is False  # provisional until the server answers
    await client.create(MESSAGES)
    show = [r for r in server.requests if r.path == "/api/show"]
    assert [r.body for r in show] == [{"model": "mystery:7b"}]
    assert client.model_info["vision"] is True
    assert client.model_info["function_calling"] is True
    assert client.model_info.get("context_window") == 8192
    await client.create(MESSAGES)
    assert len([r for r in server.requests if r.path == "/api/show"]) == 1


async def test_a_model_without_tools_refuses_tools_before_chatting(
    server: OllamaTestServer,
) -> None:
    client = make(server, "plain:1b")
    with pytest.raises(ModelCapabilityError, match="cannot call tools"):
        await client.create(MESSAGES, tools=[ADD])
    assert [r.path for r in server.requests] == ["/api/show"]


async def test_known_models_and_given_model_info_need_no_show(server: OllamaTestServer) -> None:
    server.models = None
    await make(server, "llama3.2:latest").create(MESSAGES)
    assert [r.path for r in server.requests] == ["/api/chat"]
    info = {"vision": False, "function_calling": False, "json_output": True, "family": "x"}
    client = make(server, "mystery:7b", model_info=info)
    await client.create(MESSAGES)
    assert all(r.path == "/api/chat" for r in server.requests)


# --- errors and faults ---------------------------------------------------------------


async def test_a_model_not_pulled_says_ollama_pull(server: OllamaTestServer) -> None:
    for model in ("llama3.1:8b", "unknown-thing"):  # a known one (no show) and an unknown
        with pytest.raises(ModelNotFoundError) as caught:
            await make(server, model).create(MESSAGES)
        assert f"`ollama pull {model}`" in str(caught.value)
        assert "not found, try pulling it first" in str(caught.value)


async def test_ollama_not_running_is_a_clear_error() -> None:
    client = OllamaChatCompletionClient("llama3.2", host="127.0.0.1:9", max_retries=0)
    _made.append(client)
    with pytest.raises(
        ModelConnectionError, match=r"Ollama is not running at http://127\.0\.0\.1:9"
    ):
        await client.create(MESSAGES)
    with pytest.raises(ModelConnectionError, match="ollama serve"):
        await collect(client.create_stream(MESSAGES))


def test_hosts_get_a_scheme_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    assert normalize_host(None) == "http://127.0.0.1:11434"
    assert normalize_host("gpu-box") == "http://gpu-box:11434"
    assert normalize_host("https://ollama.example.com/") == "https://ollama.example.com"
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.5:8080")
    assert normalize_host(None) == "http://10.0.0.5:8080"


async def test_a_remote_host_given_without_scheme_works(server: OllamaTestServer) -> None:
    server.api_key = "proxy-token-123456"
    client = OllamaChatCompletionClient(
        "llama3.2",
        host=f"{server.host}:{server.port}",
        headers={"Authorization": "Bearer proxy-token-123456"},
    )
    _made.append(client)
    assert (await client.create(MESSAGES)).content == "Say hello"


async def test_rate_limits_and_server_errors_are_retried(server: OllamaTestServer) -> None:
    server.script(Fault.rate_limit(0.05), Fault.server_error(503), "finally")
    assert (await make(server).create(MESSAGES)).content == "finally"
    assert len(server.requests) == 3
    server.script(Fault.rate_limit(0), Fault.rate_limit(0), Fault.rate_limit(0))
    with pytest.raises(ModelRateLimitError):
        await make(server).create(MESSAGES)


async def test_a_cut_stream_and_a_stream_without_done_are_errors(
    server: OllamaTestServer,
) -> None:
    server.script(Fault.cut_stream(2))
    with pytest.raises(ModelStreamError, match="broke before it was complete"):
        await collect(make(server).create_stream(MESSAGES))
    server.script(Fault.malformed({"message": {"role": "assistant", "content": "hi"}}))
    with pytest.raises(ModelStreamError, match="no final 'done' line"):
        await collect(make(server).create_stream(MESSAGES))


async def test_an_error_line_and_malformed_answers(server: OllamaTestServer) -> None:
    server.script(Fault.malformed({"error": "model runner has unexpectedly stopped"}))
    with pytest.raises(ModelStreamError, match="unexpectedly stopped"):
        await collect(make(server).create_stream(MESSAGES))
    server.script(Fault.malformed({"message": "nope", "done": True}))
    with pytest.raises(ModelResponseError, match="not Ollama's format"):
        await make(server).create(MESSAGES)
    server.script(Fault.malformed_json())
    with pytest.raises(ModelResponseError, match="invalid JSON"):
        await make(server).create(MESSAGES)


async def test_endless_and_huge_streams_are_bounded(server: OllamaTestServer) -> None:
    server.script(Fault.endless_stream(0.01))
    with pytest.raises(ModelStreamError, match="stream_timeout"):
        await collect(make(server, stream_timeout=0.3).create_stream(MESSAGES))
    server.script(Fault.huge_body(3 * 2**20))
    with pytest.raises(ModelResponseError, match="max_event_bytes"):
        await collect(make(server, max_event_bytes=2**20).create_stream(MESSAGES))
    server.script(Fault.huge_body(3 * 2**20))
    with pytest.raises(ModelResponseError, match="max_response_bytes"):
        await make(server, max_response_bytes=2**20).create(MESSAGES)


async def test_cancellation_mid_stream_closes_the_connection(server: OllamaTestServer) -> None:
    server.script(ScriptedReply("a b c d e f g h", chunk_delay=0.05))
    client = make(server)
    token = CancellationToken()
    seen: list[str] = []

    async def read() -> None:
        async for item in client.create_stream(MESSAGES, cancellation_token=token):
            if isinstance(item, str):
                seen.append(item)
                if len(seen) == 2:
                    token.cancel()

    with pytest.raises(asyncio.CancelledError):
        await read()
    assert 2 <= len(seen) < 8
    await client.close()
    for _ in range(50):
        if server.open_connections == 0:
            break
        await asyncio.sleep(0.02)
    assert server.open_connections == 0
    server.script("still here")
    assert (await client.create(MESSAGES)).content == "still here"


async def test_images_need_a_vision_model(server: OllamaTestServer) -> None:
    image = Image.from_base64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    message = UserMessage(content=["What is this?", image], source="user")
    with pytest.raises(ModelCapabilityError, match="cannot see images"):
        await make(server, "llama3.2").create([message])
    await make(server, "mystery:7b").create([message])
    sent = server.last_request.body["messages"][0]
    assert sent["content"] == "What is this?"
    assert len(sent["images"]) == 1


def test_count_tokens_is_an_estimate_that_grows() -> None:
    client = OllamaChatCompletionClient("llama3.2")
    short = client.count_tokens(MESSAGES)
    longer = client.count_tokens([*MESSAGES, UserMessage(content="more " * 50, source="u")])
    assert 0 < short < longer
    assert client.count_tokens(MESSAGES, tools=[ADD]) > short


async def test_a_finished_stream_leaves_its_connection_for_reuse(
    server: OllamaTestServer,
) -> None:
    client = make(server)
    for _ in range(3):
        await collect(client.create_stream(MESSAGES))
    await asyncio.sleep(0.05)
    assert server.open_connections == 1  # one kept-alive connection, not one per stream
    assert server.peak_connections == 1
