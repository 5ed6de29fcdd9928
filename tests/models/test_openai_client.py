from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from agentparts import EVENT_LOGGER_NAME, CancellationToken, ComponentLoader, FunctionCall, Image
from agentparts.errors import (
    ModelAuthenticationError,
    ModelCapabilityError,
    ModelClientError,
    ModelConnectionError,
    ModelContextLengthError,
    ModelInfoRequiredError,
    ModelNotFoundError,
    ModelRateLimitError,
    ModelResponseError,
    ModelServerError,
    ModelStreamError,
    ModelTimeoutError,
)
from agentparts.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.models.openai._config import OpenAIClientConfig
from agentparts.testing import Fault, OpenAITestServer, ScriptedReply, ScriptedToolCall

from .conftest import MESSAGES, TEST_INFO, free_port, make_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


async def read_text(stream: Any, seen: list[str], token: CancellationToken | None = None) -> None:
    """Read a stream into ``seen``, cancelling ``token`` at the first text chunk."""
    async for item in stream:
        if isinstance(item, str):
            seen.append(item)
            if token is not None:
                token.cancel()


async def collect(stream: Any) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    final: CreateResult | None = None
    async for item in stream:
        if isinstance(item, CreateResult):
            assert final is None, "more than one final result"
            final = item
        else:
            assert final is None, "text after the final result"
            chunks.append(item)
    assert final is not None
    return chunks, final


# --- plain calls ----------------------------------------------------------------------


async def test_create_returns_text_usage_and_sends_the_messages(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Hello there", prompt_tokens=11, completion_tokens=2))
    client = make_client(server, temperature=0.2, seed=7)
    result = await client.create(MESSAGES)
    assert result.content == "Hello there"
    assert result.finish_reason == "stop"
    assert result.usage == RequestUsage(11, 2)
    assert result.cached is False
    body = server.last_request.body
    assert body["model"] == "test-model"
    assert body["temperature"] == 0.2 and body["seed"] == 7
    assert body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hello", "name": "user"},
    ]
    assert "stream" not in body
    assert client.total_usage() == RequestUsage(11, 2)
    await client.close()


async def test_missing_usage_is_estimated(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("a reply of several words", include_usage=False))
    result = await client.create(MESSAGES)
    # cl100k: 3 to prime the reply, then per message 3 of framing + role + content:
    # system (1) "You are terse." (4); user (1) "Say hello" (2) and its name "user" (1 + 1).
    # The reply "a reply of several words" is 5 tokens.
    assert result.usage == RequestUsage(prompt_tokens=19, completion_tokens=5)
    assert client.count_tokens(MESSAGES) == 19
    assert client.total_usage() == RequestUsage(19, 5)


async def test_logprobs_are_parsed(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    logprobs = {
        "content": [
            {
                "token": "Hi",
                "logprob": -0.1,
                "top_logprobs": [{"logprob": -0.1}],
                "bytes": [72, 105],
            }
        ]
    }
    server.script(ScriptedReply("Hi", logprobs=logprobs))
    result = await client.create(MESSAGES, extra_create_args={"logprobs": True})
    assert result.logprobs is not None
    assert result.logprobs[0].token == "Hi"
    assert result.logprobs[0].bytes == [72, 105]


async def test_headers_organization_and_key_are_sent(server: OpenAITestServer) -> None:
    client = make_client(
        server, api_key="k1", organization="org-1", default_headers={"X-App": "demo"}
    )
    await client.create(MESSAGES)
    headers = server.last_request.headers
    assert headers["authorization"] == "Bearer k1"
    assert headers["openai-organization"] == "org-1"
    assert headers["x-app"] == "demo"
    await client.close()


async def test_extra_create_args_reach_the_endpoint(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    await client.create(MESSAGES, extra_create_args={"top_k": 5, "temperature": 0})
    assert server.last_request.body["top_k"] == 5
    assert server.last_request.body["temperature"] == 0


async def test_conversation_with_tool_results_is_sent_in_wire_format(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    call = FunctionCall(id="call_1", name="get_weather", arguments='{"city": "Paris"}')
    await client.create(
        [
            UserMessage(content="Weather?", source="user"),
            AssistantMessage(content=[call], thought="Let me look.", source="assistant"),
            FunctionExecutionResultMessage(
                content=[
                    FunctionExecutionResult(content="sunny", name="get_weather", call_id="call_1")
                ]
            ),
        ]
    )
    sent = server.last_request.messages
    assert sent[1]["role"] == "assistant"
    assert sent[1]["content"] == "Let me look."
    assert sent[1]["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
        }
    ]
    assert sent[2] == {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}


async def test_images_are_sent_as_data_uris(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    await client.create([UserMessage(content=["What is this?", Image(PNG)], source="user")])
    parts = server.last_request.messages[0]["content"]
    assert parts[0] == {"type": "text", "text": "What is this?"}
    assert parts[1]["type"] == "image_url"
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")


async def test_images_for_a_model_without_vision_are_refused(server: OpenAITestServer) -> None:
    client = make_client(server, model_info={**TEST_INFO, "vision": False})
    with pytest.raises(ModelCapabilityError, match="vision"):
        await client.create([UserMessage(content=["x", Image(PNG)], source="user")])
    assert server.requests == []


async def test_system_messages_are_merged_when_the_model_takes_only_one(
    server: OpenAITestServer,
) -> None:
    client = make_client(server, model_info={**TEST_INFO, "multiple_system_messages": False})
    await client.create(
        [
            SystemMessage(content="a"),
            SystemMessage(content="b"),
            UserMessage(content="c", source="u"),
        ]
    )
    assert server.last_request.messages[0] == {"role": "system", "content": "a\nb"}
    assert len(server.last_request.messages) == 2
    await client.close()


# --- tools ----------------------------------------------------------------------------


async def test_parallel_tool_calls_are_parsed(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(
        ScriptedReply(
            content="Checking both.",
            tool_calls=[
                ScriptedToolCall("get_weather", {"city": "Paris"}, id="a"),
                ScriptedToolCall("get_weather", {"city": "Rome"}, id="b"),
            ],
        )
    )
    result = await client.create(MESSAGES, tools=[WEATHER_TOOL])  # pyright: ignore[reportArgumentType]
    assert result.finish_reason == "function_calls"
    assert result.content == [
        FunctionCall(id="a", arguments='{"city": "Paris"}', name="get_weather"),
        FunctionCall(id="b", arguments='{"city": "Rome"}', name="get_weather"),
    ]
    assert result.thought == "Checking both."
    body = server.last_request.body
    assert body["tools"] == [{"type": "function", "function": WEATHER_TOOL}]
    assert "tool_choice" not in body


async def test_tool_choice_required_and_named(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    await client.create(MESSAGES, tools=[WEATHER_TOOL], tool_choice="required")  # pyright: ignore[reportArgumentType]
    assert server.last_request.body["tool_choice"] == "required"


async def test_malformed_tool_arguments_are_kept_raw(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply(tool_calls=[ScriptedToolCall("get_weather", '{"city": "Par')]))
    result = await client.create(MESSAGES, tools=[WEATHER_TOOL])  # pyright: ignore[reportArgumentType]
    assert isinstance(result.content, list)
    assert result.content[0].arguments == '{"city": "Par'


async def test_tools_for_a_model_without_function_calling_are_refused(
    server: OpenAITestServer,
) -> None:
    client = make_client(server, model_info={**TEST_INFO, "function_calling": False})
    with pytest.raises(ModelCapabilityError, match="function_calling"):
        await client.create(MESSAGES, tools=[WEATHER_TOOL])  # pyright: ignore[reportArgumentType]


# --- structured output ------------------------------------------------------------------


class Answer(BaseModel):
    """The answer."""

    value: int
    reason: str


async def test_json_output_true_asks_for_json_mode(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script('{"ok": true}')
    result = await client.create(MESSAGES, json_output=True)
    assert server.last_request.body["response_format"] == {"type": "json_object"}
    assert json.loads(str(result.content)) == {"ok": True}


async def test_json_output_model_sends_its_json_schema(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script('{"value": 42, "reason": "because"}')
    result = await client.create(MESSAGES, json_output=Answer)
    format_ = server.last_request.body["response_format"]
    assert format_["type"] == "json_schema"
    assert format_["json_schema"]["name"] == "Answer"
    assert format_["json_schema"]["schema"] == Answer.model_json_schema()
    assert Answer.model_validate_json(str(result.content)) == Answer(value=42, reason="because")


# --- reasoning ------------------------------------------------------------------------


async def test_reasoning_content_becomes_the_thought(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("42", reasoning_content="6 times 7"))
    result = await client.create(MESSAGES)
    assert result.content == "42"
    assert result.thought == "6 times 7"


async def test_think_tags_are_split_from_the_answer(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("<think>\nThe user greets.\n</think>\n\nHello!"))
    result = await client.create(MESSAGES)
    assert result.content == "Hello!"
    assert result.thought == "The user greets."


async def test_streamed_think_tags_are_never_shown_as_text(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(
        ScriptedReply("<think> plan the greeting </think> Hello world", words_per_chunk=1)
    )
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert "".join(chunks) == "Hello world"
    assert not any("think" in c or "plan" in c for c in chunks)
    assert result.content == "Hello world"
    assert result.thought == "plan the greeting"


async def test_streamed_reasoning_content_becomes_the_thought(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("Yes.", reasoning_content="Think first."))
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert chunks == ["Yes."]
    assert result.thought == "Think first."


# --- streaming ------------------------------------------------------------------------


async def test_stream_yields_chunks_then_one_result_with_usage(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("one two three four", prompt_tokens=9, completion_tokens=4))
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert chunks == ["one ", "two ", "three ", "four"]
    assert result.content == "one two three four"
    assert result.usage == RequestUsage(9, 4)
    body = server.last_request.body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert client.total_usage() == RequestUsage(9, 4)


async def test_streamed_usage_equals_the_whole_answers(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    calls = [
        ScriptedToolCall("add", {"a": 1, "b": 2}, id="c1"),
        ScriptedToolCall("add", {"a": 3, "b": 4}, id="c2"),
    ]
    for reply in (
        ScriptedReply("one two three", prompt_tokens=12, completion_tokens=3),
        ScriptedReply(tool_calls=calls, prompt_tokens=30, completion_tokens=17),
    ):
        server.script(reply, reply)
        whole = await client.create(MESSAGES)
        _, streamed = await collect(client.create_stream(MESSAGES))
        assert streamed.content == whole.content
        assert streamed.usage == whole.usage
        assert whole.usage == RequestUsage(reply.prompt_tokens or 0, reply.completion_tokens or 0)


async def test_stream_without_usage_chunk_estimates_usage(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("some words here", include_usage=False))
    _, result = await collect(client.create_stream(MESSAGES))
    # As in test_missing_usage_is_estimated; "some words here" is 3 cl100k tokens.
    assert result.usage == RequestUsage(prompt_tokens=19, completion_tokens=3)


async def test_streamed_tool_calls_are_assembled(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(
        ScriptedReply(
            tool_calls=[
                ScriptedToolCall("get_weather", {"city": "Paris, France"}, id="x"),
                ScriptedToolCall("get_weather", {"city": "Rome"}, id="y"),
            ]
        )
    )
    chunks, result = await collect(client.create_stream(MESSAGES, tools=[WEATHER_TOOL]))  # pyright: ignore[reportArgumentType]
    assert chunks == []
    assert result.finish_reason == "function_calls"
    assert result.content == [
        FunctionCall(id="x", arguments='{"city": "Paris, France"}', name="get_weather"),
        FunctionCall(id="y", arguments='{"city": "Rome"}', name="get_weather"),
    ]


async def test_stream_cut_midway_is_an_error_not_a_hang(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(Fault.cut_stream(after=2))
    seen: list[str] = []
    with pytest.raises(ModelStreamError, match="broke before it was complete"):
        await read_text(client.create_stream(MESSAGES), seen)
    assert seen == ["one "]


async def test_a_stream_that_stalls_times_out_as_a_stream_error(server: OpenAITestServer) -> None:
    client = make_client(server, timeout=0.1)
    server.script(ScriptedReply("a b c", chunk_delay=5))
    with pytest.raises(ModelStreamError, match=r"sent no event for 0\.1 s \(stream_idle_timeout\)"):
        await collect(client.create_stream(MESSAGES))
    await client.close()


async def test_an_error_inside_a_stream_is_raised(server: OpenAITestServer) -> None:
    def broken(request: Any) -> Fault:
        event = b'data: {"error": {"message": "engine overloaded"}}\n\n'
        return Fault(200, body=event, headers={"content-type": "text/event-stream"})

    server.default_reply = broken
    client = make_client(server)
    with pytest.raises(ModelStreamError, match="engine overloaded"):
        await collect(client.create_stream(MESSAGES))
    await client.close()


# --- retries and faults ----------------------------------------------------------------


async def test_429_is_retried_honouring_retry_after(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(Fault.rate_limit(retry_after=0), Fault.rate_limit(retry_after=0), "finally")
    result = await client.create(MESSAGES)
    assert result.content == "finally"
    assert len(server.requests) == 3


async def test_retry_after_is_honoured_through_the_transport(server: OpenAITestServer) -> None:
    # The backoff is 1 ms: only the header can make the second request wait a second.
    client = make_client(server, retry_initial_delay=0.001, retry_max_delay=0.001)
    server.script(Fault.rate_limit(retry_after=1), "after the pause")
    assert (await client.create(MESSAGES)).content == "after the pause"
    first, second = server.requests
    assert 0.95 <= second.received_at - first.received_at < 3
    await client.close()


async def test_retry_after_ms_is_honoured_too(server: OpenAITestServer) -> None:
    client = make_client(server, retry_initial_delay=0.001, retry_max_delay=0.001)
    pause = Fault(429, "slow down", headers={"retry-after-ms": "600", "retry-after": "30"})
    server.script(pause, "ok")
    assert (await client.create(MESSAGES)).content == "ok"
    first, second = server.requests
    assert 0.55 <= second.received_at - first.received_at < 2
    await client.close()


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 520, 524, 529])
async def test_transient_statuses_are_retried(server: OpenAITestServer, status: int) -> None:
    client = make_client(server, max_retries=2)
    server.script(*[Fault(status, "try later")] * 3, "unused")
    with pytest.raises(ModelClientError, match=rf"HTTP {status}, 3 attempts\)"):
        await client.create(MESSAGES)
    assert len(server.requests) == 3
    await client.close()


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 501, 505])
async def test_final_statuses_are_not_retried(server: OpenAITestServer, status: int) -> None:
    client = make_client(server, max_retries=2)
    server.script(Fault(status, "no"), "unused")
    with pytest.raises(ModelClientError, match=rf"HTTP {status}, 1 attempt\)"):
        await client.create(MESSAGES)
    assert len(server.requests) == 1
    await client.close()


async def test_501_says_it_is_not_retried(server: OpenAITestServer) -> None:
    client = make_client(server, max_retries=2)
    server.script(Fault(501, "streaming is not implemented"))
    with pytest.raises(ModelServerError, match=r"HTTP 501 is not retried"):
        await client.create(MESSAGES)
    await client.close()


async def test_500_is_retried_with_backoff(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(Fault.server_error(503), "recovered")
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert result.content == "recovered"
    assert chunks == ["recovered"]
    assert len(server.requests) == 2


async def test_rate_limit_after_every_retry_is_a_clear_error(server: OpenAITestServer) -> None:
    client = make_client(server, max_retries=2)
    server.script(*[Fault.rate_limit(retry_after=0)] * 3)
    with pytest.raises(ModelRateLimitError, match=r"HTTP 429, 3 attempts\) kept rate-limiting"):
        await client.create(MESSAGES)
    assert len(server.requests) == 3
    await client.close()


async def test_max_retries_zero_fails_at_once(server: OpenAITestServer) -> None:
    client = make_client(server, max_retries=0)
    server.script(Fault.server_error(500), "unused")
    with pytest.raises(ModelServerError, match=r"HTTP 500, 1 attempt, max_retries=0\)"):
        await client.create(MESSAGES)
    assert len(server.requests) == 1
    assert server.pending == 1
    await client.close()


async def test_timeout_is_retried_then_reported(server: OpenAITestServer) -> None:
    client = make_client(server, timeout=0.1, max_retries=1)
    server.script(Fault.hang(), Fault.hang())
    with pytest.raises(ModelTimeoutError, match=r"did not answer within 0\.1 s .*2 attempts"):
        await client.create(MESSAGES)
    assert len(server.requests) == 2
    await client.close()


def test_timeout_none_as_autogen_allows_means_the_default_limit(server: OpenAITestServer) -> None:
    client = make_client(server, timeout=None)
    assert client.dump_component().config["timeout"] == 60.0
    saved = {"model": "gpt-4o", "api_key": "k", "base_url": server.base_url, "timeout": None}
    loaded = OpenAIChatCompletionClient._from_config(OpenAIClientConfig.model_validate(saved))  # pyright: ignore[reportPrivateUsage]
    assert loaded.dump_component().config["timeout"] == 60.0


async def test_a_slow_reply_within_the_timeout_succeeds(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(Fault.slow(0.05, ScriptedReply("eventually")))
    assert (await client.create(MESSAGES)).content == "eventually"


async def test_a_cut_non_streamed_body_is_retried(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(Fault.cut_stream(), "whole")
    assert (await client.create(MESSAGES)).content == "whole"
    assert len(server.requests) == 2


async def test_connection_refused_names_the_base_url() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    client = OpenAIChatCompletionClient(
        "m", base_url=base_url, model_info=TEST_INFO, max_retries=1, retry_initial_delay=0.001
    )
    with pytest.raises(
        ModelConnectionError, match=base_url.replace(".", r"\.") + r" \(2 attempts\)"
    ):
        await client.create(MESSAGES)
    await client.close()


async def test_401_says_the_key_is_wrong_without_showing_it() -> None:
    secret = "sk-test-very-secret-key-123456"
    async with OpenAITestServer(api_key="the-right-key") as server:
        client = make_client(server, api_key=secret)
        with pytest.raises(ModelAuthenticationError) as info:
            await client.create(MESSAGES)
        assert "rejected the API key" in str(info.value)
        assert secret not in str(info.value)
        assert "very-secret" not in str(info.value)
        assert len(server.requests) == 1  # not retried
        await client.close()


async def test_right_api_key_is_sent_as_bearer() -> None:
    async with OpenAITestServer(api_key="k-123") as server:
        client = make_client(server, api_key="k-123")
        assert (await client.create(MESSAGES)).content == "Say hello"
        assert server.last_request.headers["authorization"] == "Bearer k-123"
        await client.close()


async def test_404_model_is_a_clear_error() -> None:
    async with OpenAITestServer(models=["real-model"]) as server:
        client = make_client(server, model="no-such-model")
        with pytest.raises(ModelNotFoundError, match="no-such-model"):
            await client.create(MESSAGES)
        await client.close()


async def test_context_too_long_is_a_clear_error() -> None:
    async with OpenAITestServer(context_window=5) as server:
        client = make_client(server)
        with pytest.raises(ModelContextLengthError, match="context window"):
            await client.create([UserMessage(content="word " * 50, source="user")])
        await client.close()


async def test_malformed_json_is_a_clear_error(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(Fault.malformed_json())
    with pytest.raises(ModelResponseError, match="invalid JSON"):
        await client.create(MESSAGES)


# --- cancellation -----------------------------------------------------------------------


async def test_cancellation_aborts_the_request(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    arrived = asyncio.Event()

    def hang_and_tell(request: Any) -> Fault:
        arrived.set()
        return Fault.hang()

    server.default_reply = hang_and_tell
    token = CancellationToken()
    task = asyncio.ensure_future(client.create(MESSAGES, cancellation_token=token))
    await arrived.wait()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The client still works after a cancelled call.
    server.script("still here")
    assert (await client.create(MESSAGES)).content == "still here"


async def test_cancellation_stops_a_stream(
    client: OpenAIChatCompletionClient, server: OpenAITestServer
) -> None:
    server.script(ScriptedReply("a b c d e f g h", chunk_delay=0.05))
    token = CancellationToken()
    seen: list[str] = []
    with pytest.raises(asyncio.CancelledError):
        await read_text(client.create_stream(MESSAGES, cancellation_token=token), seen, token)
    assert 1 <= len(seen) < 8


async def test_a_cancelled_token_after_the_call_has_no_effect(
    client: OpenAIChatCompletionClient,
) -> None:
    token = CancellationToken()
    result = await client.create(MESSAGES, cancellation_token=token)
    token.cancel()
    await asyncio.sleep(0)
    assert result.content == "Say hello"


# --- model info, tokens, keys, saving ----------------------------------------------------


def test_unknown_model_without_model_info_is_a_clear_error() -> None:
    with pytest.raises(ModelInfoRequiredError, match="model_info"):
        OpenAIChatCompletionClient("my-local-model", base_url="http://127.0.0.1:1/v1")


def test_known_models_need_no_model_info_and_count_remaining_tokens() -> None:
    client = OpenAIChatCompletionClient("gpt-4o-2024-08-06", api_key="k")
    assert client.model_info["family"] == "gpt-4o"
    assert client.model_info["vision"] is True
    used = client.count_tokens(MESSAGES)
    assert 10 < used < 30
    assert client.remaining_tokens(MESSAGES) == 128_000 - used


def test_count_tokens_counts_tools_and_images() -> None:
    client = OpenAIChatCompletionClient("gpt-4o", api_key="k")
    plain = client.count_tokens(MESSAGES)
    assert client.count_tokens(MESSAGES, tools=[WEATHER_TOOL]) > plain  # pyright: ignore[reportArgumentType]
    with_image = [*MESSAGES, UserMessage(content=[Image(PNG)], source="user")]
    assert client.count_tokens(with_image) >= plain + 85


def test_remaining_tokens_for_an_unknown_model_uses_model_info() -> None:
    client = OpenAIChatCompletionClient(
        "local", base_url="http://127.0.0.1:1/v1", model_info=TEST_INFO
    )
    assert client.remaining_tokens(MESSAGES) == 4096 - client.count_tokens(MESSAGES)


def test_no_api_key_for_openai_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelAuthenticationError, match="OPENAI_API_KEY"):
        OpenAIChatCompletionClient("gpt-4o")


def test_unknown_constructor_argument_is_refused() -> None:
    with pytest.raises(TypeError, match="temprature"):
        OpenAIChatCompletionClient("gpt-4o", api_key="k", temprature=0.5)


def test_argument_values_are_validated_when_the_client_is_saved() -> None:
    client = OpenAIChatCompletionClient("gpt-4o", api_key="k", temperature="hot")  # pyright: ignore[reportArgumentType]
    with pytest.raises(ValidationError, match="temperature"):
        client.dump_component()
    good = OpenAIChatCompletionClient("gpt-4o", api_key="k", temperature=1, seed=7)
    config = good.dump_component().config
    assert (config["temperature"], config["seed"]) == (1.0, 7)


def test_api_key_from_environment_is_saved_as_a_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-0000")
    client = OpenAIChatCompletionClient("gpt-4o", temperature=0.3)
    saved = client.dump_component()
    assert saved.config["api_key"] == {"$env": "OPENAI_API_KEY"}
    assert "sk-from-env" not in saved.model_dump_json()
    loaded = ComponentLoader.load_component(saved.model_dump(), expected=ChatCompletionClient)
    assert isinstance(loaded, OpenAIChatCompletionClient)
    assert loaded.dump_component() == saved


def test_explicit_api_key_is_masked_when_saved() -> None:
    client = OpenAIChatCompletionClient("gpt-4o", api_key="sk-explicit-1111")
    saved = client.dump_component()
    assert "sk-explicit" not in saved.model_dump_json()
    assert saved.model_dump(mode="json")["config"]["api_key"] == "**********"
    assert saved.config["api_key"].get_secret_value() == "sk-explicit-1111"  # in memory only
    assert client.dump_component(include_secrets=True).config["api_key"] == "sk-explicit-1111"


async def test_round_trip_keeps_endpoint_model_info_and_create_args(
    server: OpenAITestServer,
) -> None:
    client = make_client(server, temperature=0.1, max_tokens=20, max_retries=4)
    loaded = ComponentLoader.load_component(
        client.dump_component(), expected=OpenAIChatCompletionClient
    )
    assert loaded.dump_component() == client.dump_component()
    assert loaded.model_info == client.model_info
    await loaded.create(MESSAGES)
    assert server.last_request.body["max_tokens"] == 20
    await loaded.close()


async def test_time_and_size_limits_are_saved_and_loaded(server: OpenAITestServer) -> None:
    limits = {
        "timeout": 7.5,
        "stream_idle_timeout": 3.0,
        "stream_timeout": 90.0,
        "max_response_bytes": 2**20,
        "max_event_bytes": 2**16,
    }
    client = make_client(server, **limits)
    saved = client.dump_component()
    assert {name: saved.config[name] for name in limits} == limits
    loaded = ComponentLoader.load_component(saved, expected=OpenAIChatCompletionClient)
    assert loaded.dump_component() == saved
    # The loaded limits are in force: a 2 MiB answer is over its 1 MiB cap.
    server.script(Fault.huge_body(2 * 2**20))
    with pytest.raises(ModelResponseError, match="max_response_bytes=1048576"):
        await loaded.create(MESSAGES)
    await loaded.close()
    await client.close()


def test_autogen_provider_string_loads() -> None:
    config = {
        "provider": "autogen_ext.models.openai.OpenAIChatCompletionClient",
        "component_type": "model",
        "config": {"model": "gpt-4o", "api_key": "sk-x", "temperature": 0.5},
    }
    loaded = ComponentLoader.load_component(config)
    assert isinstance(loaded, OpenAIChatCompletionClient)
    assert loaded.model == "gpt-4o"


async def test_autogen_config_fields_load_and_work(server: OpenAITestServer) -> None:
    config = {
        "provider": "autogen_ext.models.openai.OpenAIChatCompletionClient",
        "component_type": "model",
        "version": 1,
        "component_version": 1,
        "config": {
            "model": "local-model",
            "base_url": server.base_url,
            "model_capabilities": {"vision": False, "function_calling": True, "json_output": True},
            "add_name_prefixes": True,
            "stream_options": {"include_usage": True},
            "n": 1,
            "logit_bias": {"50256": -100},
            "response_format": {"type": "text"},
        },
    }
    client = ComponentLoader.load_component(config, expected=OpenAIChatCompletionClient)
    assert client.model_info["function_calling"] is True
    assert client.model_info["structured_output"] is False
    await client.create([UserMessage(content="hi", source="alice")])
    body = server.last_request.body
    assert body["messages"][0]["content"] == "alice said:\nhi"
    assert body["logit_bias"] == {"50256": -100}
    assert body["response_format"] == {"type": "text"}
    assert "stream_options" not in body
    await client.close()


def test_autogen_config_with_older_model_info_loads() -> None:
    info = {"vision": False, "function_calling": True, "json_output": True, "family": "unknown"}
    config = {
        "provider": "autogen_ext.models.openai.OpenAIChatCompletionClient",
        "component_type": "model",
        "config": {"model": "local", "base_url": "http://127.0.0.1:1/v1", "model_info": info},
    }
    client = ComponentLoader.load_component(config, expected=OpenAIChatCompletionClient)
    assert client.model_info["structured_output"] is False


def test_model_info_without_structured_output_defaults_to_false() -> None:
    info = {"vision": False, "function_calling": True, "json_output": True, "family": "x"}
    client = OpenAIChatCompletionClient("m", base_url="http://127.0.0.1:1/v1", model_info=info)  # pyright: ignore[reportArgumentType]
    assert client.model_info["structured_output"] is False


async def test_many_concurrent_calls_spread_over_the_pool(server: OpenAITestServer) -> None:
    client = make_client(server, max_connections=64)
    results = await asyncio.gather(
        *[client.create([UserMessage(content=f"n{i}", source="user")]) for i in range(300)]
    )
    assert [r.content for r in results] == [f"n{i}" for i in range(300)]
    await client.close()


# --- events, threads --------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[Any] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(record.msg)


async def test_calls_emit_structured_events(client: OpenAIChatCompletionClient) -> None:
    logger = logging.getLogger(EVENT_LOGGER_NAME)
    handler = _Capture()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        await client.create(MESSAGES)
        await collect(client.create_stream(MESSAGES))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    kinds = [event.type for event in handler.events]
    assert kinds == ["LLMCall", "LLMStreamStart", "LLMStreamEnd"]
    # The test server reports words + 3 per message: (3 + 3) + (2 + 3).
    assert handler.events[0].fields["prompt_tokens"] == 11
    assert json.loads(str(handler.events[0]))["model"] == "test-model"


def test_usable_from_sync_code_across_event_loops() -> None:
    with OpenAITestServer(["first", "second"]) as server:
        client = make_client(server)

        async def ask() -> CreateResult:
            try:
                return await client.create(MESSAGES)
            finally:
                await client.close()  # connections belong to the loop that opened them

        assert asyncio.run(ask()).content == "first"
        assert asyncio.run(ask()).content == "second"
        assert len(server.requests) == 2
