"""The four model contexts: what the model sees, state and component round trips."""

from __future__ import annotations

import json

import pytest

import agentparts.model_context as model_context_module
from agentparts import FunctionCall
from agentparts.model_context import (
    BufferedChatCompletionContext,
    ChatCompletionContext,
    HeadAndTailChatCompletionContext,
    TokenLimitedChatCompletionContext,
    UnboundedChatCompletionContext,
)
from agentparts.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)

from .conftest import WordCountClient


def user(text: str) -> UserMessage:
    return UserMessage(content=text, source="user")


def tool_round(i: int) -> list[LLMMessage]:
    return [
        AssistantMessage(content=[FunctionCall(f"c{i}", "{}", "f")], source="a"),
        FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(content="r", name="f", call_id=f"c{i}", is_error=False)
            ]
        ),
    ]


def test_public_names_sorted() -> None:
    assert model_context_module.__all__ == sorted(model_context_module.__all__)


async def test_unbounded_returns_everything_as_a_new_list() -> None:
    ctx = UnboundedChatCompletionContext(initial_messages=[SystemMessage(content="sys")])
    await ctx.add_message(user("one"))
    got = await ctx.get_messages()
    got.append(user("not stored"))
    assert [m.content for m in await ctx.get_messages()] == ["sys", "one"]
    await ctx.clear()
    assert await ctx.get_messages() == []


async def test_buffered_keeps_last_n_and_drops_orphan_results() -> None:
    ctx = BufferedChatCompletionContext(buffer_size=3)
    for message in [user("a"), *tool_round(1), user("b")]:
        await ctx.add_message(message)
    # last 3 = [call, result, b]
    assert [type(m).__name__ for m in await ctx.get_messages()] == [
        "AssistantMessage",
        "FunctionExecutionResultMessage",
        "UserMessage",
    ]
    ctx2 = BufferedChatCompletionContext(buffer_size=2)
    for message in [user("a"), *tool_round(1), user("b")]:
        await ctx2.add_message(message)
    assert [m.content for m in await ctx2.get_messages()] == ["b"]
    with pytest.raises(ValueError, match="buffer_size"):
        BufferedChatCompletionContext(buffer_size=0)


async def test_head_and_tail_notes_skipped_messages_and_keeps_calls_with_results() -> None:
    ctx = HeadAndTailChatCompletionContext(head_size=2, tail_size=2)
    for i in range(6):
        await ctx.add_message(user(f"m{i}"))
    got = await ctx.get_messages()
    assert [m.content for m in got] == ["m0", "m1", "Skipped 2 messages.", "m4", "m5"]

    ctx = HeadAndTailChatCompletionContext(head_size=2, tail_size=1)
    for message in [user("task"), *tool_round(1), user("x"), user("y")]:
        await ctx.add_message(message)
    got = await ctx.get_messages()
    # The head must not end in a tool call whose result is skipped.
    assert not isinstance(got[1], AssistantMessage)
    assert got[0].content == "task" and got[-1].content == "y"


async def test_token_limited_with_a_client_whose_count_tokens_takes_no_tools() -> None:
    client = WordCountClient()
    ctx = TokenLimitedChatCompletionContext(
        client,
        token_limit=5,
        tool_schema=[
            {"name": "f", "description": "d", "parameters": {"type": "object", "properties": {}}}
        ],
    )
    await ctx.add_message(SystemMessage(content="be brief"))
    for i in range(5):
        await ctx.add_message(user(f"word{i} more"))
    got = await ctx.get_messages()
    assert got[0] == SystemMessage(content="be brief")
    assert client.count_tokens(got) <= 5
    assert got[-1].content == "word4 more"


async def test_token_limited_without_limit_uses_remaining_tokens() -> None:
    client = WordCountClient(max_tokens=4)
    ctx = TokenLimitedChatCompletionContext(client)
    for message in [user("one two three"), *tool_round(1), user("four five")]:
        await ctx.add_message(message)
    got = await ctx.get_messages()
    assert client.remaining_tokens(got) >= 0
    assert not isinstance(got[0], FunctionExecutionResultMessage)
    assert got[-1].content == "four five"


@pytest.mark.parametrize(
    "ctx",
    [
        UnboundedChatCompletionContext(initial_messages=[SystemMessage(content="s")]),
        BufferedChatCompletionContext(buffer_size=4),
        HeadAndTailChatCompletionContext(head_size=1, tail_size=2),
        TokenLimitedChatCompletionContext(WordCountClient(), token_limit=50),
    ],
)
async def test_state_and_component_round_trip(ctx: ChatCompletionContext) -> None:
    for message in [
        user("hi"),
        *tool_round(1),
        AssistantMessage(content="done", source="a", thought="hm"),
    ]:
        await ctx.add_message(message)
    state = json.loads(json.dumps(await ctx.save_state()))
    loaded = ChatCompletionContext.load_component(ctx.dump_component(), allowed_providers=["tests"])
    assert type(loaded) is type(ctx)
    await loaded.load_state(state)
    assert await loaded.get_messages() == await ctx.get_messages()
