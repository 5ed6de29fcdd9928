from __future__ import annotations

import asyncio

import pytest

from agentparts import CancellationToken, ComponentLoader, FunctionCall
from agentparts.errors import ModelScriptExhaustedError
from agentparts.models import ChatCompletionClient, CreateResult, RequestUsage, UserMessage
from agentparts.models.replay import ReplayChatCompletionClient

HELLO = [UserMessage(content="hello there", source="user")]
CALL = CreateResult(
    finish_reason="function_calls",
    content=[FunctionCall(id="1", name="add", arguments='{"a": 1}')],
    usage=RequestUsage(5, 3),
)


async def test_answers_in_order_with_word_usage() -> None:
    client = ReplayChatCompletionClient(["first answer", CALL])
    first = await client.create(HELLO)
    assert first.content == "first answer"
    assert first.usage == RequestUsage(2, 2)
    assert await client.create(HELLO) == CALL
    assert client.total_usage() == RequestUsage(7, 5)
    assert client.remaining == 0


async def test_exhausted_script_is_a_clear_error() -> None:
    client = ReplayChatCompletionClient(["only"])
    await client.create(HELLO)
    with pytest.raises(ModelScriptExhaustedError, match="reset"):
        await client.create(HELLO)


async def test_stream_yields_words_then_the_result() -> None:
    client = ReplayChatCompletionClient(["one two three"])
    items = [item async for item in client.create_stream(HELLO)]
    assert items[:-1] == ["one ", "two ", "three"]
    final = items[-1]
    assert isinstance(final, CreateResult)
    assert final.content == "one two three"


async def test_stream_of_tool_calls_yields_only_the_result() -> None:
    client = ReplayChatCompletionClient([CALL])
    items = [item async for item in client.create_stream(HELLO)]
    assert items == [CALL]


async def test_reset_replays_and_zeroes_usage() -> None:
    client = ReplayChatCompletionClient(["a"])
    await client.create(HELLO)
    client.reset()
    assert client.total_usage() == RequestUsage(0, 0)
    assert (await client.create(HELLO)).content == "a"


async def test_calls_are_recorded_for_assertions() -> None:
    client = ReplayChatCompletionClient(["a"])
    tool = {"name": "t", "parameters": {"type": "object", "properties": {}}}
    await client.create(HELLO, tools=[tool], json_output=True, extra_create_args={"x": 1})  # pyright: ignore[reportArgumentType]
    assert client.calls[0]["messages"] == HELLO
    assert client.calls[0]["tools"] == [tool]
    assert client.calls[0]["json_output"] is True
    assert client.calls[0]["extra_create_args"] == {"x": 1}


async def test_cancelled_token_cancels() -> None:
    client = ReplayChatCompletionClient(["a"])
    token = CancellationToken()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await client.create(HELLO, cancellation_token=token)


async def test_component_round_trip() -> None:
    client = ReplayChatCompletionClient(["a", CALL])
    saved = client.dump_component()
    assert saved.provider == "agentparts.models.replay.ReplayChatCompletionClient"
    loaded = ComponentLoader.load_component(
        saved.model_dump(mode="json"), expected=ChatCompletionClient
    )
    assert isinstance(loaded, ReplayChatCompletionClient)
    assert loaded.chat_completions == ["a", CALL]
    assert (await loaded.create(HELLO)).content == "a"
    assert await loaded.create(HELLO) == CALL


def test_remaining_tokens_uses_the_default_context_window() -> None:
    client = ReplayChatCompletionClient([])
    assert client.remaining_tokens(HELLO) == 10_000 - 2
