from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agentparts import CancellationToken, ComponentLoader, FunctionCall
from agentparts.errors import ModelScriptExhaustedError
from agentparts.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    ModelInfo,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
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
    assert first.cached is True  # AutoGen's default for string answers
    assert await client.create(HELLO) == CALL
    # As AutoGen: prompt tokens are always the words of the messages, completion tokens
    # those of the scripted result.
    assert client.total_usage() == RequestUsage(4, 5)
    assert client.remaining == 0
    assert client.provided_message_count == 2


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


def test_remaining_tokens_counts_down_a_budget_of_10000_by_usage_as_autogen() -> None:
    client = ReplayChatCompletionClient(["one two three"])
    assert client.remaining_tokens(HELLO) == 10_000  # the messages do not count
    asyncio.run(client.create(HELLO))
    assert client.remaining_tokens([]) == 10_000 - 2 - 3
    small = ReplayChatCompletionClient(
        ["a b c"], model_info={**client.model_info, "context_window": 4}
    )
    asyncio.run(small.create(HELLO))
    assert small.remaining_tokens(HELLO) == 0  # never negative


async def test_exhausted_script_has_autogens_message_and_type() -> None:
    client = ReplayChatCompletionClient([])
    with pytest.raises(ValueError, match=r"^No more mock responses available"):
        await client.create(HELLO)
    with pytest.raises(ValueError, match=r"^No more mock responses available"):
        async for _ in client.create_stream(HELLO):
            pass


async def test_create_calls_are_recorded_as_autogen() -> None:
    client = ReplayChatCompletionClient(["a", "b", "c"])
    token = CancellationToken()
    await client.create(
        HELLO, json_output=True, extra_create_args={"x": 1}, cancellation_token=token
    )
    _ = [item async for item in client.create_stream(HELLO)]  # not a create() call
    assert client.create_calls == [
        {
            "messages": HELLO,
            "tools": [],  # AutoGen's default is a list
            "json_output": True,
            "extra_create_args": {"x": 1},
            "cancellation_token": token,
        }
    ]
    client.reset()
    assert len(client.create_calls) == 1  # reset keeps them, as AutoGen
    assert len(client.calls) == 0


async def test_a_scripted_result_with_text_is_streamed_whole() -> None:
    scripted = CreateResult(
        finish_reason="stop", content="several words here", usage=RequestUsage(1, 3), cached=False
    )
    client = ReplayChatCompletionClient([scripted, "two words"])
    assert [item async for item in client.create_stream(HELLO)] == [scripted]
    items = [item async for item in client.create_stream(HELLO)]
    assert items[:-1] == ["two ", "words"]


async def test_cached_flag_of_string_answers_can_be_set() -> None:
    client = ReplayChatCompletionClient(["a", "b"])
    assert (await client.create(HELLO)).cached is True
    client.set_cached_bool_value(False)
    assert (await client.create(HELLO)).cached is False
    assert client.total_usage() == RequestUsage(4, 2)  # every answer counts (AutoGen)
    assert client.actual_usage() == RequestUsage(2, 1)  # the last call (AutoGen)


AUTOGEN_DEFAULT_INFO = ModelInfo(
    vision=False,
    function_calling=False,
    json_output=False,
    family="unknown",
    structured_output=False,
)


def test_default_model_info_is_autogens_text_only_model() -> None:
    assert ReplayChatCompletionClient([]).model_info == AUTOGEN_DEFAULT_INFO
    given: ModelInfo = {**AUTOGEN_DEFAULT_INFO, "function_calling": True}
    assert ReplayChatCompletionClient([], model_info=given).model_info == given


def test_dump_saves_the_model_info_in_effect_as_autogen() -> None:
    saved = ReplayChatCompletionClient(["a"]).dump_component().model_dump(mode="json")
    assert saved["config"]["model_info"] == AUTOGEN_DEFAULT_INFO
    given: ModelInfo = {**AUTOGEN_DEFAULT_INFO, "vision": True, "family": "gpt-4o"}
    saved = ReplayChatCompletionClient(["a"], model_info=given).dump_component()
    loaded = ComponentLoader.load_component(
        saved.model_dump(mode="json"), expected=ChatCompletionClient
    )
    assert loaded.model_info == given


async def test_only_text_contents_count_as_prompt_tokens_as_autogen() -> None:
    history = [
        SystemMessage(content="be brief"),
        UserMessage(content="hello there", source="user"),
        AssistantMessage(
            content=[FunctionCall(id="1", name="add", arguments='{"a": 1}')], source="a"
        ),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content="2", call_id="1", name="add", is_error=False)]
        ),
    ]
    tool: dict[str, Any] = {
        "name": "add",
        "description": "adds two numbers",
        "parameters": {"type": "object"},
    }
    client = ReplayChatCompletionClient(["it is two"])
    assert client.count_tokens(history, tools=[tool]) == 4  # pyright: ignore[reportArgumentType]
    result = await client.create(history, tools=[tool])  # pyright: ignore[reportArgumentType]
    assert result.usage == RequestUsage(4, 3)


async def test_actual_usage_is_the_last_calls_as_autogen() -> None:
    client = ReplayChatCompletionClient(["one two three", CALL])
    assert client.actual_usage() == RequestUsage(0, 0)
    await client.create(HELLO)
    assert client.actual_usage() == RequestUsage(2, 3)
    _ = [item async for item in client.create_stream(HELLO)]
    assert client.actual_usage() == RequestUsage(2, 3)  # the scripted result's completion
    assert client.total_usage() == RequestUsage(4, 6)
    client.reset()
    assert client.actual_usage() == client.total_usage() == RequestUsage(0, 0)


async def test_stream_chunks_keep_the_answers_whitespace() -> None:
    # On purpose: AutoGen's chunks would be "two " and "lines" (whitespace normalised);
    # these join to the answer exactly, so a streamed view shows its line breaks.
    client = ReplayChatCompletionClient(["two\n\nlines  here"])
    items = [item async for item in client.create_stream(HELLO)]
    assert items[:-1] == ["two\n\n", "lines  ", "here"]
    assert "".join(str(item) for item in items[:-1]) == "two\n\nlines  here"
