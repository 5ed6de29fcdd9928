"""AnthropicChatCompletionClient against the Anthropic test server: the Messages API."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from agentparts import FunctionCall, Image
from agentparts.errors import (
    ModelAuthenticationError,
    ModelCapabilityError,
    ModelInfoRequiredError,
)
from agentparts.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    ModelInfo,
    SystemMessage,
    UserMessage,
)
from agentparts.models.anthropic import AnthropicChatCompletionClient
from agentparts.testing import AnthropicTestServer, ScriptedReply, ScriptedToolCall
from agentparts.tools import FunctionTool

from .conftest import MESSAGES, MODEL, make_client

THINKING = {"type": "enabled", "budget_tokens": 1024}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da"
    "63f8cfc0f01f0005000201a5f2d3e10000000049454e44ae426082"
)


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def _stream(client: AnthropicChatCompletionClient, *args: object, **kwargs: object):
    chunks: list[str] = []
    final: CreateResult | None = None
    async for item in client.create_stream(*args, **kwargs):  # type: ignore[arg-type]
        if isinstance(item, CreateResult):
            final = item
        else:
            chunks.append(item)
    assert final is not None
    return chunks, final


async def test_text_request_shape_and_answer(server: AnthropicTestServer) -> None:
    server.script(ScriptedReply("Hello there", prompt_tokens=11, completion_tokens=2))
    async with make_client(server, temperature=0.3, top_k=5) as client:
        result = await client.create(MESSAGES)
    assert result.content == "Hello there" and result.finish_reason == "stop"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (11, 2)
    request = server.last_request
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == "sk-ant-test"
    assert request.headers["anthropic-version"] == "2023-06-01"
    body = request.body
    assert body["system"] == "You are terse."
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Say hello"}]}
    ]
    assert body["max_tokens"] == 8192  # the model's output limit, capped at 8192
    assert (body["temperature"], body["top_k"]) == (0.3, 5)


async def test_several_system_messages_are_merged_not_refused(
    server: AnthropicTestServer,
) -> None:
    messages = [
        SystemMessage(content="Rule one."),
        UserMessage(content="hi", source="user"),
        SystemMessage(content="Rule two."),
        UserMessage(content="again", source="user"),
    ]
    async with make_client(server) as client:
        await client.create(messages)
    body = server.last_request.body
    assert body["system"] == "Rule one.\n\nRule two."
    # Consecutive user messages become one (Claude wants alternating turns).
    assert body["messages"] == [
        {
            "role": "user",
            "content": [{"type": "text", "text": "hi"}, {"type": "text", "text": "again"}],
        }
    ]


async def test_parallel_tool_calls_then_results_and_errors(server: AnthropicTestServer) -> None:
    tool = FunctionTool(add, description="Add two numbers.")
    calls = [ScriptedToolCall("add", {"a": 1, "b": 2}), ScriptedToolCall("add", {"a": 3, "b": 4})]
    server.script(ScriptedReply("Let me add.", tool_calls=calls), "3 and 7")
    async with make_client(server) as client:
        first = await client.create(MESSAGES, tools=[tool], tool_choice="required")
        assert first.finish_reason == "function_calls"
        assert isinstance(first.content, list)
        assert [(c.name, json.loads(c.arguments)) for c in first.content] == [
            ("add", {"a": 1, "b": 2}),
            ("add", {"a": 3, "b": 4}),
        ]
        assert first.thought == "Let me add."  # the text that came with the calls
        offered = server.last_request.body
        assert offered["tools"][0]["name"] == "add"
        assert offered["tools"][0]["input_schema"]["type"] == "object"
        assert offered["tool_choice"] == {"type": "any"}
        results = FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(content="3", name="add", call_id=first.content[0].id),
                FunctionExecutionResult(
                    content="Error: overflow",
                    name="add",
                    call_id=first.content[1].id,
                    is_error=True,
                ),
            ]
        )
        history = [
            *MESSAGES,
            AssistantMessage(content=first.content, thought=first.thought),
            results,
        ]
        second = await client.create(history, tools=[tool])
    assert second.content == "3 and 7"
    sent = server.last_request.body["messages"]
    assert sent[1]["role"] == "assistant"
    assert [b["type"] for b in sent[1]["content"]] == ["text", "tool_use", "tool_use"]
    assert sent[2] == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": first.content[0].id, "content": "3"},
            {
                "type": "tool_result",
                "tool_use_id": first.content[1].id,
                "content": "Error: overflow",
                "is_error": True,
            },
        ],
    }


async def test_a_named_tool_choice_forces_that_tool(server: AnthropicTestServer) -> None:
    tool = FunctionTool(add, description="Add two numbers.")
    async with make_client(server) as client:
        await client.create(MESSAGES, tools=[tool], tool_choice=tool)
        assert server.last_request.body["tool_choice"] == {"type": "tool", "name": "add"}
        await client.create(MESSAGES, tools=[tool], tool_choice="none")
        assert server.last_request.body["tool_choice"] == {"type": "none"}


async def test_streaming_text_tools_and_usage_match_the_whole_answer(
    server: AnthropicTestServer,
) -> None:
    reply = ScriptedReply("one two three", prompt_tokens=9, completion_tokens=4)
    calls = ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 10, "b": 20})])
    server.script(reply, reply, calls)
    async with make_client(server) as client:
        whole = await client.create(MESSAGES)
        chunks, streamed = await _stream(client, MESSAGES)
        assert chunks == ["one ", "two ", "three"]
        assert streamed.content == whole.content == "one two three"
        assert streamed.usage == whole.usage
        assert (streamed.usage.prompt_tokens, streamed.usage.completion_tokens) == (9, 4)
        assert server.last_request.body["stream"] is True
        chunks, final = await _stream(
            client, MESSAGES, tools=[FunctionTool(add, description="Add.")]
        )
        assert chunks == []
        assert final.content == [
            FunctionCall(id="toolu_0", arguments='{"a": 10, "b": 20}', name="add")
        ]
        total = client.total_usage()
    assert total.prompt_tokens >= 18 and total.completion_tokens >= 8


class City(BaseModel):
    """A city and its country."""

    name: str
    country: str


async def test_structured_output_through_a_forced_tool(server: AnthropicTestServer) -> None:
    answer = ScriptedToolCall("City", {"name": "Paris", "country": "France"})
    server.script(ScriptedReply(tool_calls=[answer]), ScriptedReply(tool_calls=[answer]))
    async with make_client(server) as client:
        result = await client.create(MESSAGES, json_output=City)
        assert result.finish_reason == "stop"
        assert isinstance(result.content, str)
        assert City.model_validate_json(result.content) == City(name="Paris", country="France")
        body = server.last_request.body
        assert body["tool_choice"] == {"type": "tool", "name": "City"}
        assert body["tools"][0]["input_schema"]["required"] == ["name", "country"]
        _, streamed = await _stream(client, MESSAGES, json_output=City)
    assert streamed.content == result.content


async def test_structured_output_while_thinking_asks_instead_of_forcing(
    server: AnthropicTestServer,
) -> None:
    answer = ScriptedToolCall("City", {"name": "Lyon", "country": "France"})
    server.script(ScriptedReply(reasoning_content="Think.", tool_calls=[answer]))
    async with make_client(server, thinking=THINKING) as client:
        result = await client.create(MESSAGES, json_output=City)
    body = server.last_request.body
    assert "tool_choice" not in body  # Claude refuses a forced tool while thinking
    assert "calling the City tool" in body["system"]
    assert City.model_validate_json(str(result.content)).name == "Lyon"
    assert result.thought == "Think."


async def test_json_mode_asks_for_json_in_the_system_prompt(server: AnthropicTestServer) -> None:
    server.script('{"ok": true}')
    async with make_client(server, response_format={"type": "json_object"}) as client:
        result = await client.create(MESSAGES)
    assert json.loads(str(result.content)) == {"ok": True}
    assert "JSON object" in server.last_request.body["system"]


async def test_images_are_sent_as_base64_blocks(server: AnthropicTestServer) -> None:
    image = Image(PNG)
    async with make_client(server) as client:
        await client.create([UserMessage(content=["What is this?", image], source="user")])
        (message,) = server.last_request.body["messages"]
        assert message["content"][1] == {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": image.to_base64()},
        }
    info = ModelInfo(
        vision=False, function_calling=True, json_output=True, family="x", structured_output=True
    )
    async with make_client(server, model_info=info) as blind:
        with pytest.raises(ModelCapabilityError, match="does not accept images"):
            await blind.create([UserMessage(content=["?", image], source="user")])


@pytest.mark.parametrize("stream", [False, True])
async def test_thinking_blocks_stay_in_place_across_tool_turns(
    server: AnthropicTestServer, stream: bool
) -> None:
    call = ScriptedToolCall("add", {"a": 2, "b": 2}, id="toolu_think")
    server.script(ScriptedReply(reasoning_content="I need the sum.", tool_calls=[call]), "4.")
    tool = FunctionTool(add, description="Add.")
    async with make_client(server, thinking=THINKING) as client:
        if stream:
            chunks, first = await _stream(client, MESSAGES, tools=[tool])
            assert chunks == []  # thinking is not streamed as text
        else:
            first = await client.create(MESSAGES, tools=[tool])
        assert first.thought == "I need the sum."
        assert isinstance(first.content, list)
        history = [
            *MESSAGES,
            AssistantMessage(content=first.content, thought=first.thought),
            FunctionExecutionResultMessage(
                content=[FunctionExecutionResult(content="4", name="add", call_id="toolu_think")]
            ),
        ]
        second = await client.create(history, tools=[tool])
    # The server (like Claude) refuses the turn unless the signed thinking block leads it.
    assert second.content == "4."
    body = server.last_request.body
    assert body["thinking"] == THINKING
    assert body["max_tokens"] == 8192 + 1024  # above budget_tokens, as Claude requires
    blocks = body["messages"][1]["content"]
    assert [b["type"] for b in blocks] == ["thinking", "tool_use"]
    assert blocks[0]["thinking"] == "I need the sum." and blocks[0]["signature"].startswith("sig-")


async def test_a_tool_turn_without_its_signed_thinking_is_sent_without_thinking(
    server: AnthropicTestServer,
) -> None:
    # A history saved and loaded elsewhere has the thought text but not the signature.
    history = [
        *MESSAGES,
        AssistantMessage(
            content=[FunctionCall(id="toolu_9", arguments='{"a": 1, "b": 1}', name="add")],
            thought="Summing.",
        ),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content="2", name="add", call_id="toolu_9")]
        ),
    ]
    async with make_client(server, thinking=THINKING) as client:
        result = await client.create(history, tools=[FunctionTool(add, description="Add.")])
    assert result.content  # not Claude's 400 "Expected `thinking`"
    assert "thinking" not in server.last_request.body


@pytest.mark.parametrize(
    ("scripted", "expected"),
    [("stop", "stop"), ("max_tokens", "length"), ("refusal", "content_filter")],
)
async def test_stop_reasons_map_to_finish_reasons(
    server: AnthropicTestServer, scripted: str, expected: str
) -> None:
    server.script(
        ScriptedReply("x", finish_reason=scripted), ScriptedReply("x", finish_reason=scripted)
    )
    async with make_client(server) as client:
        assert (await client.create(MESSAGES)).finish_reason == expected
        _, streamed = await _stream(client, MESSAGES)
    assert streamed.finish_reason == expected


def test_a_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ModelAuthenticationError, match="ANTHROPIC_API_KEY"):
        AnthropicChatCompletionClient(MODEL)


def test_the_key_comes_from_the_environment_and_is_saved_as_a_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-value")
    client = AnthropicChatCompletionClient(MODEL)
    dumped = client.dump_component().model_dump(mode="json")
    assert dumped["config"]["api_key"] == {"$env": "ANTHROPIC_API_KEY"}
    assert "sk-ant-secret-value" not in json.dumps(dumped)


def test_model_info_for_claude_models_and_unknown_ones() -> None:
    client = AnthropicChatCompletionClient("claude-3-5-haiku-20241022", api_key="k")
    assert client.model_info["family"] == "claude-3-5-haiku"
    assert client.model_info.get("context_window") == 200_000
    with pytest.raises(ModelInfoRequiredError, match="model_info"):
        AnthropicChatCompletionClient("my-claude-finetune", api_key="k")


def test_token_counts_are_an_estimate_and_remaining_tokens_works() -> None:
    client = AnthropicChatCompletionClient(MODEL, api_key="k")
    short = client.count_tokens(MESSAGES)
    longer = client.count_tokens([*MESSAGES, UserMessage(content="word " * 700, source="u")])
    assert 5 < short < 40
    assert 900 < longer - short < 1100  # 3,500 characters at 3.5 per token
    with_tool = client.count_tokens(MESSAGES, tools=[FunctionTool(add, description="Add.")])
    assert with_tool > short
    assert client.remaining_tokens(MESSAGES) == 200_000 - short


def test_unknown_arguments_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match="frequency_penalty"):
        AnthropicChatCompletionClient(MODEL, api_key="k", frequency_penalty=0.1)
    with pytest.raises(ValueError, match="temperature"):
        AnthropicChatCompletionClient(MODEL, api_key="k", temperature=float("nan"))


async def test_a_token_limited_context_never_splits_a_call_from_its_result(
    server: AnthropicTestServer,
) -> None:
    from agentparts.model_context import TokenLimitedChatCompletionContext

    async with make_client(server) as client:
        context = TokenLimitedChatCompletionContext(client, token_limit=120)
        await context.add_message(SystemMessage(content="Use tools."))
        for turn in range(6):
            await context.add_message(UserMessage(content=f"question {turn} " * 10, source="u"))
            call = FunctionCall(id=f"toolu_{turn}", arguments='{"a": 1, "b": 2}', name="add")
            await context.add_message(AssistantMessage(content=[call]))
            await context.add_message(
                FunctionExecutionResultMessage(
                    content=[
                        FunctionExecutionResult(content="3 " * 20, name="add", call_id=call.id)
                    ]
                )
            )
        kept = await context.get_messages()
        assert len(kept) < 19  # something was dropped
        result = await client.create(kept, tools=[FunctionTool(add, description="Add.")])
    assert result.content  # the server refuses any tool_use / tool_result split, like Claude
    first = server.last_request.body["messages"][0]["content"][0]
    assert first["type"] != "tool_result"
