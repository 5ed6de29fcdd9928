"""AssistantAgent against the real local OpenAI-compatible server, through the real
OpenAIChatCompletionClient: the same behaviours over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from agentparts import CancellationToken
from agentparts.agents import AssistantAgent, CodeExecutorAgent
from agentparts.memory import ListMemory, MemoryContent
from agentparts.messages import (
    CodeExecutionEvent,
    HandoffMessage,
    MemoryQueryEvent,
    ModelClientStreamingChunkEvent,
    StructuredMessage,
    TextMessage,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallSummaryMessage,
)
from agentparts.model_context import TokenLimitedChatCompletionContext
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.testing import (
    Fault,
    OpenAITestServer,
    RecordedRequest,
    ScriptedReply,
    ScriptedToolCall,
)

from .conftest import Weather, add, cancel_when


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer() as running:
        yield running


@pytest.fixture
async def client(server: OpenAITestServer) -> AsyncIterator[OpenAIChatCompletionClient]:
    model_client = OpenAIChatCompletionClient(
        model="gpt-4o", base_url=server.base_url, api_key="test-key"
    )
    yield model_client
    await model_client.close()


async def test_one_turn_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(ScriptedReply("Hello from the server."))
    agent = AssistantAgent("helper", client, system_message="Be brief.")
    result = await agent.run(task="Hi")
    answer = result.messages[-1]
    assert isinstance(answer, TextMessage) and answer.content == "Hello from the server."
    assert answer.models_usage is not None and answer.models_usage.completion_tokens > 0
    sent = server.last_request.messages
    assert [m["role"] for m in sent] == ["system", "user"]
    assert sent[1]["content"] == "Hi"


async def test_tool_turn_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(
        ScriptedReply(
            tool_calls=[
                ScriptedToolCall("add", {"a": 2, "b": 3}, id="c1"),
                ScriptedToolCall("add", '{"a": 2,', id="c2"),
                ScriptedToolCall("nope", {}, id="c3"),
            ]
        ),
        ScriptedReply("The sum is 5."),
    )
    agent = AssistantAgent("calc", client, tools=[add], max_tool_iterations=2)
    result = await agent.run(task="2+3?")
    executed = next(m for m in result.messages if isinstance(m, ToolCallExecutionEvent))
    assert [(r.call_id, bool(r.is_error)) for r in executed.content] == [
        ("c1", False),
        ("c2", True),
        ("c3", True),
    ]
    assert result.messages[-1].to_text() == "The sum is 5."
    first = server.requests[0].body
    assert [t["function"]["name"] for t in first["tools"]] == ["add"]
    tool_messages = [m for m in server.last_request.messages if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["c1", "c2", "c3"]
    assert tool_messages[0]["content"] == "5"
    assert "not valid JSON" in tool_messages[1]["content"]


async def test_summary_over_http_covers_every_round(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 1, "b": 1})]),
        ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 5, "b": 5})]),
    )
    agent = AssistantAgent("calc", client, tools=[add], max_tool_iterations=2)
    result = await agent.run(task="go")
    summary = result.messages[-1]
    assert isinstance(summary, ToolCallSummaryMessage)
    assert summary.content == "2\n10"
    assert result.stop_reason is not None and "max_tool_iterations=2" in result.stop_reason
    assert len(server.requests) == 2


async def test_streaming_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(ScriptedReply("one two three four", reasoning_content="thinking hard"))
    agent = AssistantAgent("s", client, model_client_stream=True)
    seen = [item async for item in agent.run_stream(task="count")]
    chunks = [m for m in seen if isinstance(m, ModelClientStreamingChunkEvent)]
    assert len(chunks) >= 2
    final = seen[-2]
    assert isinstance(final, TextMessage) and final.content == "one two three four"
    assert any(isinstance(m, ThoughtEvent) and "thinking hard" in m.content for m in seen)
    assert server.last_request.body["stream"] is True


async def test_structured_output_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(ScriptedReply(json.dumps({"city": "Oslo", "degrees": 4})))
    agent = AssistantAgent("w", client, output_content_type=Weather)
    result = await agent.run(task="Weather in Oslo?")
    answer = result.messages[-1]
    assert isinstance(answer, StructuredMessage) and answer.content == Weather(
        city="Oslo", degrees=4
    )
    assert server.last_request.body["response_format"]["type"] == "json_schema"


async def test_cancel_during_http_call(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(Fault.hang(60))
    agent = AssistantAgent("slow", client)
    token = CancellationToken()
    started = asyncio.Event()

    async def run() -> None:
        started.set()
        await agent.run(task="hi", cancellation_token=token)

    canceller = asyncio.create_task(cancel_when(started, token))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(run(), 30)
    await canceller
    # The client still works after a cancelled call.
    server.reset()
    server.script(ScriptedReply("still alive"))
    result = await AssistantAgent("again", client).run(task="hi")
    assert result.messages[-1].to_text() == "still alive"


async def test_a_cancelled_http_call_leaves_the_callers_task_as_it_was(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    sent = asyncio.Event()

    def hang_once_sent(request: RecordedRequest) -> Fault:
        sent.set()
        return Fault.hang(60)

    server.default_reply = hang_once_sent
    agent = AssistantAgent("slow", client)
    token = CancellationToken()
    canceller = asyncio.create_task(cancel_when(sent, token))
    with pytest.raises(asyncio.CancelledError):
        await agent.run(task="hi", cancellation_token=token)  # in this very task
    await canceller
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await asyncio.sleep(5)


async def test_state_round_trip_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(ScriptedReply("first answer"), ScriptedReply("second answer"))
    agent = AssistantAgent("a", client)
    await agent.run(task="first")
    state = json.loads(json.dumps(await agent.save_state()))
    restored = AssistantAgent("a", client)
    await restored.load_state(state)
    await restored.run(task="second")
    contents = [m.get("content") for m in server.last_request.messages]
    assert contents[1:] == ["first", "first answer", "second"]


async def test_component_round_trip_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    agent = AssistantAgent("a", client, tools=[add], reflect_on_tool_use=True)
    saved = json.loads(agent.dump_component(include_secrets=True).model_dump_json())
    assert saved["config"]["model_client"]["config"]["base_url"] == server.base_url
    loaded = AssistantAgent.load_component(saved, allowed_providers=["tests"])
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 4, "b": 4})]),
        ScriptedReply("Eight."),
    )
    result = await loaded.run(task="4+4")
    assert result.messages[-1].to_text() == "Eight."
    await loaded.model_client.close()


AUTOGEN_AGENT_CONFIG = {
    "provider": "autogen_agentchat.agents.AssistantAgent",
    "component_type": "agent",
    "version": 1,
    "component_version": 1,
    "description": "An agent that provides assistance with tool use.",
    "label": "AssistantAgent",
    "config": {
        "name": "assistant",
        "model_client": {
            "provider": "autogen_ext.models.openai.OpenAIChatCompletionClient",
            "component_type": "model",
            "version": 1,
            "component_version": 1,
            "description": "Chat completion client for OpenAI hosted models.",
            "label": "OpenAIChatCompletionClient",
            "config": {"model": "gpt-4o", "api_key": "sk-test", "base_url": "BASE_URL"},
        },
        "workbench": {
            "provider": "autogen_core.tools.StaticWorkbench",
            "component_type": "workbench",
            "version": 1,
            "component_version": 1,
            "description": "A workbench that provides a static set of tools.",
            "label": "StaticWorkbench",
            "config": {"tools": []},
        },
        "handoffs": [],
        "model_context": {
            "provider": "autogen_core.model_context.UnboundedChatCompletionContext",
            "component_type": "chat_completion_context",
            "version": 1,
            "component_version": 1,
            "description": "An unbounded chat completion context.",
            "label": "UnboundedChatCompletionContext",
            "config": {},
        },
        "description": "An agent that provides assistance with ability to use tools.",
        "system_message": "You are a helpful AI assistant.",
        "model_client_stream": False,
        "reflect_on_tool_use": False,
        "tool_call_summary_format": "{result}",
        "metadata": {},
    },
}


async def test_autogen_agent_config_loads_and_runs(server: OpenAITestServer) -> None:
    saved = json.loads(json.dumps(AUTOGEN_AGENT_CONFIG).replace("BASE_URL", server.base_url))
    agent = AssistantAgent.load_component(saved)
    server.script(ScriptedReply("Loaded from AutoGen."))
    result = await agent.run(task="hi")
    assert result.messages[-1].to_text() == "Loaded from AutoGen."
    assert server.last_request.messages[0] == {
        "role": "system",
        "content": "You are a helpful AI assistant.",
    }
    await agent.model_client.close()


async def test_streamed_tool_turn_and_reflection_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(
        ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 20, "b": 22}, id="s1")]),
        ScriptedReply("It is forty two."),
    )
    agent = AssistantAgent(
        "s", client, tools=[add], model_client_stream=True, reflect_on_tool_use=True
    )
    seen = [item async for item in agent.run_stream(task="20+22")]
    executed = next(m for m in seen if isinstance(m, ToolCallExecutionEvent))
    assert executed.content[0].content == "42"
    assert seen[-2].to_text() == "It is forty two."  # type: ignore[union-attr]
    assert "tools" not in server.last_request.body or not server.last_request.body["tools"]


async def test_handoff_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    server.script(ScriptedReply(tool_calls=[ScriptedToolCall("transfer_to_writer", {}, id="h1")]))
    agent = AssistantAgent("router", client, handoffs=["writer"])
    result = await agent.run(task="Write a poem")
    handoff = result.messages[-1]
    assert isinstance(handoff, HandoffMessage) and handoff.target == "writer"
    offered = [t["function"]["name"] for t in server.last_request.body["tools"]]
    assert offered == ["transfer_to_writer"]


async def test_memory_over_http(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    memory = ListMemory(
        memory_contents=[MemoryContent(content="The user is vegan.", mime_type="text/plain")]
    )
    server.script(ScriptedReply("Try lentil soup."))
    agent = AssistantAgent("chef", client, memory=[memory])
    result = await agent.run(task="Dinner idea?")
    assert any(isinstance(m, MemoryQueryEvent) for m in result.messages)
    systems = [m["content"] for m in server.last_request.messages if m["role"] == "system"]
    assert any("The user is vegan." in s for s in systems)


async def test_token_limited_context_with_the_openai_client(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    context = TokenLimitedChatCompletionContext(client, token_limit=60)
    agent = AssistantAgent("a", client, model_context=context, system_message=None)
    server.script(ScriptedReply("ok " * 30), ScriptedReply("ok " * 30), ScriptedReply("last"))
    for task in ["first question " * 5, "second question " * 5, "third"]:
        await agent.run(task=task)
    sent = server.last_request.messages
    assert sent[-1]["content"] == "third"
    assert client.count_tokens(await context.get_messages()) <= 60
    assert len(sent) < 5  # older turns were dropped to fit


async def test_code_executor_agent_with_the_server_and_the_sandbox(
    server: OpenAITestServer,
) -> None:
    client = OpenAIChatCompletionClient(model="gpt-4o", base_url=server.base_url, api_key="k")
    server.script(
        ScriptedReply("```python\nprint(undefined_name)\n```"),
        ScriptedReply("```python\nprint(sum(range(10)))\n```"),
        ScriptedReply("The sum is 45."),
    )
    agent = CodeExecutorAgent("coder", model_client=client, max_retries_on_error=2)
    try:
        result = await agent.run(task="Sum 0..9 with Python")
    finally:
        await agent.close()
        await client.close()
    runs = [m for m in result.messages if isinstance(m, CodeExecutionEvent)]
    assert [r.result.exit_code != 0 for r in runs] == [True, False]
    assert "NameError" in runs[0].result.output
    assert runs[1].result.output.strip() == "45"
    assert result.messages[-1].to_text() == "The sum is 45."
    # The model was shown the error before it retried.
    second_request = server.requests[1].messages
    assert "NameError" in second_request[-1]["content"]


async def test_a_token_reused_for_many_runs_keeps_no_callbacks(
    server: OpenAITestServer, client: OpenAIChatCompletionClient
) -> None:
    # One token per session is common: every run and model call must take its callback
    # back, or the token would keep every finished turn (and its task) alive.
    token = CancellationToken()
    plain = AssistantAgent("plain", client)
    streaming = AssistantAgent("streaming", client, model_client_stream=True)
    with_tool = AssistantAgent("with_tool", client, tools=[add])
    for _ in range(5):
        await plain.run(task="hi", cancellation_token=token)
        await streaming.run(task="hi", cancellation_token=token)
        server.script(ScriptedReply(tool_calls=[ScriptedToolCall("add", {"a": 1, "b": 2})]))
        result = await with_tool.run(task="add", cancellation_token=token)
        assert isinstance(result.messages[-1], ToolCallSummaryMessage)
    assert token._callbacks == []  # pyright: ignore[reportPrivateUsage]

    token.cancel()  # the token still works after all those runs
    with pytest.raises(asyncio.CancelledError):
        await plain.run(task="hi", cancellation_token=token)
