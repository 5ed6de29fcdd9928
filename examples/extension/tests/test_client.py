"""HttpChatCompletionClient against the local OpenAI-compatible server of agentparts.testing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from agentparts_example.models import HttpChatCompletionClient
from agentparts_example.tools import FileSearchTool

from agentparts import CancellationToken
from agentparts.errors import ModelAuthenticationError, ModelStreamError
from agentparts.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    UserMessage,
)
from agentparts.testing import (
    ChatCompletionClientTests,
    Fault,
    OpenAITestServer,
    ScriptedReply,
    ScriptedToolCall,
)

API_KEY = "sk-example-secret-123"


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer(
        default_reply=ScriptedReply("Hello there from the server."), api_key=API_KEY
    ) as running:
        yield running


class TestHttpClientConformance(ChatCompletionClientTests):
    secret_values = (API_KEY,)

    @pytest.fixture
    def client(self, server: OpenAITestServer) -> HttpChatCompletionClient:
        return HttpChatCompletionClient("test-model", api_key=API_KEY, base_url=server.base_url)


async def test_tool_calls_come_back_as_function_calls(
    server: OpenAITestServer, tmp_path: object
) -> None:
    server.script(ScriptedReply(tool_calls=[ScriptedToolCall("file_search", {"query": "tea"})]))
    client = HttpChatCompletionClient("test-model", api_key=API_KEY, base_url=server.base_url)
    tool = FileSearchTool(root_dir=str(tmp_path))
    result = await client.create(
        [UserMessage(content="Find tea.", source="user")],
        tools=[tool],
        cancellation_token=CancellationToken(),
    )
    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    assert result.content[0].name == "file_search"
    assert result.content[0].arguments == '{"query": "tea"}'
    sent = server.last_request.body
    assert sent["tools"][0]["function"]["name"] == "file_search"
    assert sent["tools"][0]["function"]["parameters"]["required"] == ["query"]
    await client.close()


async def test_streamed_tool_calls_are_reassembled(server: OpenAITestServer) -> None:
    server.script(ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 1, "b": 2}, id="c1")]))
    client = HttpChatCompletionClient("test-model", api_key=API_KEY, base_url=server.base_url)
    items = [item async for item in client.create_stream([UserMessage(content="add")])]
    final = items[-1]
    assert isinstance(final, CreateResult)
    assert final.finish_reason == "function_calls"
    assert isinstance(final.content, list)
    assert (final.content[0].id, final.content[0].name) == ("c1", "add")
    assert final.content[0].arguments.replace(" ", "") == '{"a":1,"b":2}'
    await client.close()


async def test_tool_results_are_sent_back_in_the_openai_format(server: OpenAITestServer) -> None:
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 1}, id="c1")]), "It is 1."
    )
    client = HttpChatCompletionClient("test-model", api_key=API_KEY, base_url=server.base_url)
    first = await client.create([UserMessage(content="add")])
    assert isinstance(first.content, list)
    history = [
        UserMessage(content="add"),
        AssistantMessage(content=first.content),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content="1", name="add", call_id="c1")]
        ),
    ]
    second = await client.create(history)
    assert second.content == "It is 1."
    wire = server.last_request.body["messages"]
    assert wire[1]["tool_calls"][0]["id"] == "c1"
    assert wire[2] == {"role": "tool", "tool_call_id": "c1", "content": "1"}
    await client.close()


async def test_wrong_api_key_says_what_to_check(server: OpenAITestServer) -> None:
    client = HttpChatCompletionClient("test-model", api_key="wrong", base_url=server.base_url)
    with pytest.raises(ModelAuthenticationError, match="Check api_key"):
        await client.create([UserMessage(content="hi")])
    await client.close()


async def test_cut_stream_is_an_error_not_a_short_answer(server: OpenAITestServer) -> None:
    server.script(Fault.cut_stream(after=2, reply=ScriptedReply("one two three four five")))
    client = HttpChatCompletionClient("test-model", api_key=API_KEY, base_url=server.base_url)
    with pytest.raises(ModelStreamError, match="Retry"):
        async for _ in client.create_stream([UserMessage(content="hi")]):
            pass
    await client.close()
