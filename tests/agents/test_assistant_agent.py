"""AssistantAgent with the replay client: the turn, tools, bad input, limits, handoffs,
streaming, thoughts, structured output, memory, state, components and cancellation."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from agentparts import EVENT_LOGGER_NAME, CancellationToken, FunctionCall
from agentparts.agents import AssistantAgent
from agentparts.base import Handoff, Response, TaskResult
from agentparts.memory import ListMemory, MemoryContent, MemoryMimeType
from agentparts.messages import (
    HandoffMessage,
    MemoryQueryEvent,
    ModelClientStreamingChunkEvent,
    StructuredMessage,
    TextMessage,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    ToolCallSummaryMessage,
)
from agentparts.model_context import BufferedChatCompletionContext
from agentparts.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResultMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools import (
    BaseStreamTool,
    FunctionTool,
    StaticWorkbench,
    StreamWorkbench,
    TextResultContent,
    ToolResult,
    ToolSchema,
)

from .conftest import (
    TOOLS_INFO,
    BlockingClient,
    Weather,
    add,
    broken,
    calls,
    cancel_when,
    short_summary,
)


def types_of(result: TaskResult) -> list[str]:
    return [type(m).__name__ for m in result.messages]


async def test_text_answer() -> None:
    client = ReplayChatCompletionClient(["Hello, human."])
    agent = AssistantAgent("helper", client, system_message="Be nice.")
    result = await agent.run(task="Hi")
    assert types_of(result) == ["TextMessage", "TextMessage"]
    assert client.calls[0]["messages"][0] == SystemMessage(content="Be nice.")
    answer = result.messages[-1]
    assert isinstance(answer, TextMessage)
    assert (answer.content, answer.source) == ("Hello, human.", "helper")
    assert answer.models_usage is not None
    assert result.stop_reason is None
    history = await agent.model_context.get_messages()
    assert history == [
        UserMessage(content="Hi", source="user"),
        AssistantMessage(content="Hello, human.", source="helper"),
    ]


async def test_system_message_goes_first_and_is_not_stored() -> None:
    context = BufferedChatCompletionContext(buffer_size=10)
    agent = AssistantAgent(
        "a", ReplayChatCompletionClient(["one", "two"]), system_message="SYS", model_context=context
    )
    await agent.run(task="first")
    await agent.run(task="second")
    history = await context.get_messages()
    assert not any(isinstance(m, SystemMessage) for m in history)
    assert [m.content for m in history] == ["first", "one", "second", "two"]


async def test_tool_calls_of_one_turn_run_concurrently() -> None:
    first_started = asyncio.Event()
    second_started = asyncio.Event()

    async def first() -> str:
        """Waits for the second tool."""
        first_started.set()
        await asyncio.wait_for(second_started.wait(), 10)
        return "first done"

    async def second() -> str:
        """Waits for the first tool."""
        second_started.set()
        await asyncio.wait_for(first_started.wait(), 10)
        return "second done"

    client = ReplayChatCompletionClient(
        [calls(("first", "{}"), ("second", "{}"))], model_info=TOOLS_INFO
    )
    agent = AssistantAgent("a", client, tools=[first, second])
    result = await agent.run(task="go")
    executed = next(m for m in result.messages if isinstance(m, ToolCallExecutionEvent))
    assert [r.content for r in executed.content] == ["first done", "second done"]
    assert not any(r.is_error for r in executed.content)


async def test_bad_tool_calls_become_error_results_and_the_run_goes_on() -> None:
    never = asyncio.Event()

    async def slow() -> str:
        """Never finishes."""
        await never.wait()
        return "unreachable"

    client = ReplayChatCompletionClient(
        [
            calls(
                ("add", '{"a": 1, "b": 2}'),
                ("add", '{"a": 1,'),
                ("missing_tool", "{}"),
                ("broken", '{"x": 7}'),
                ("slow", "{}"),
                ("add", '["not", "an", "object"]'),
            ),
            "I saw the errors.",
        ],
        model_info=TOOLS_INFO,
    )
    agent = AssistantAgent(
        "a", client, tools=[add, broken, slow], max_tool_iterations=2, tool_call_timeout=0.05
    )
    result = await agent.run(task="go")
    executed = next(m for m in result.messages if isinstance(m, ToolCallExecutionEvent))
    outcome = {r.call_id: (r.is_error, r.content) for r in executed.content}
    assert sorted(t.name for t in client.calls[0]["tools"]) == ["add", "broken", "slow"]
    assert outcome["call_0"] == (False, "3")
    assert outcome["call_1"][0] and "not valid JSON" in outcome["call_1"][1]
    assert outcome["call_2"][0] and "no tool named 'missing_tool'" in outcome["call_2"][1]
    assert outcome["call_3"][0] and "broken tool got 7" in outcome["call_3"][1]
    assert outcome["call_4"][0] and "did not finish within 0.05 seconds" in outcome["call_4"][1]
    assert outcome["call_5"][0] and "JSON object" in outcome["call_5"][1]
    # The errors went back to the model, which answered.
    assert result.messages[-1].to_text() == "I saw the errors."
    results_message = next(
        m
        for m in await agent.model_context.get_messages()
        if isinstance(m, FunctionExecutionResultMessage)
    )
    assert [r.is_error for r in results_message.content] == [False, True, True, True, True, True]


async def test_max_tool_iterations_summarizes_every_round_with_a_stop_reason() -> None:
    client = ReplayChatCompletionClient(
        [
            calls(("add", '{"a": 1, "b": 1}', "r1")),
            calls(("add", '{"a": 2, "b": 2}', "r2")),
            "unused",
        ],
        model_info=TOOLS_INFO,
    )
    agent = AssistantAgent(
        "a",
        client,
        tools=[add],
        max_tool_iterations=2,
        tool_call_summary_format="{tool_name}={result}",
    )
    result = await agent.run(task="go")
    assert types_of(result) == [
        "TextMessage",
        "ToolCallRequestEvent",
        "ToolCallExecutionEvent",
        "ToolCallRequestEvent",
        "ToolCallExecutionEvent",
        "ToolCallSummaryMessage",
    ]
    summary = result.messages[-1]
    assert isinstance(summary, ToolCallSummaryMessage)
    assert summary.content == "add=2\nadd=4"
    assert [c.id for c in summary.tool_calls] == ["r1", "r2"]
    assert [r.content for r in summary.results] == ["2", "4"]
    assert result.stop_reason is not None and "max_tool_iterations=2" in result.stop_reason


async def test_summary_formatter() -> None:
    client = ReplayChatCompletionClient([calls(("add", '{"a": 1, "b": 1}'))], model_info=TOOLS_INFO)
    agent = AssistantAgent("a", client, tools=[add], tool_call_summary_formatter=short_summary)
    result = await agent.run(task="go")
    assert result.messages[-1].to_text() == "add -> 2"


async def test_reflect_on_tool_use_answers_from_the_results() -> None:
    client = ReplayChatCompletionClient(
        [calls(("add", '{"a": 20, "b": 22}')), "The answer is 42."], model_info=TOOLS_INFO
    )
    agent = AssistantAgent("a", client, tools=[add], reflect_on_tool_use=True)
    result = await agent.run(task="20+22?")
    assert isinstance(result.messages[-1], TextMessage)
    assert result.messages[-1].content == "The answer is 42."
    # The first call offers the tool; the reflection call offers none.
    assert [t.name for t in client.calls[0]["tools"]] == ["add"]
    assert client.calls[1]["tools"] == []
    history = await agent.model_context.get_messages()
    assert isinstance(history[-2], FunctionExecutionResultMessage)
    assert history[-2].content[0].content == "42"


async def test_text_after_tools_is_the_answer_within_the_iteration_budget() -> None:
    client = ReplayChatCompletionClient(
        [calls(("add", '{"a": 1, "b": 2}')), "It is 3."], model_info=TOOLS_INFO
    )
    agent = AssistantAgent("a", client, tools=[add], max_tool_iterations=5)
    result = await agent.run(task="1+2")
    assert result.messages[-1].to_text() == "It is 3."
    assert result.stop_reason is None


async def test_default_single_round_with_reflection_has_no_stop_reason() -> None:
    client = ReplayChatCompletionClient(
        [calls(("add", '{"a": 1, "b": 2}')), "It is 3."], model_info=TOOLS_INFO
    )
    agent = AssistantAgent("a", client, tools=[add], reflect_on_tool_use=True)
    result = await agent.run(task="1+2")
    assert result.messages[-1].to_text() == "It is 3."
    assert result.stop_reason is None


async def test_handoff_carries_other_tool_calls_as_context() -> None:
    client = ReplayChatCompletionClient(
        [calls(("add", '{"a": 1, "b": 2}', "c1"), ("transfer_to_planner", "{}", "c2"))],
        model_info=TOOLS_INFO,
    )
    agent = AssistantAgent(
        "a",
        client,
        tools=[add],
        handoffs=["planner", Handoff(target="critic", message="Over to you")],
    )
    result = await agent.run(task="plan")
    handoff = result.messages[-1]
    assert isinstance(handoff, HandoffMessage)
    assert handoff.target == "planner"
    assert "Transferred to planner" in handoff.content
    assert isinstance(handoff.context[0], AssistantMessage)
    assert [c.name for c in handoff.context[0].content] == ["add"]  # type: ignore[union-attr]
    assert isinstance(handoff.context[1], FunctionExecutionResultMessage)
    assert handoff.context[1].content[0].content == "3"
    assert result.stop_reason == "Handed off to planner."
    assert {t.name for t in client.calls[0]["tools"]} == {
        "add",
        "transfer_to_planner",
        "transfer_to_critic",
    }
    assert HandoffMessage in agent.produced_message_types


async def test_handoff_message_input_adds_its_context() -> None:
    client = ReplayChatCompletionClient(["got it"])
    agent = AssistantAgent("b", client)
    incoming = HandoffMessage(
        content="over",
        target="b",
        source="a",
        context=[UserMessage(content="earlier", source="user")],
    )
    response = await agent.on_messages([incoming], CancellationToken())
    assert response.chat_message.to_text() == "got it"
    history = await agent.model_context.get_messages()
    assert [m.content for m in history[:2]] == ["earlier", "over"]


async def test_streaming_yields_chunks_then_the_message() -> None:
    client = ReplayChatCompletionClient(["Hello streaming world"])
    agent = AssistantAgent("a", client, model_client_stream=True)
    seen = [item async for item in agent.run_stream(task="hi")]
    chunks = [m for m in seen if isinstance(m, ModelClientStreamingChunkEvent)]
    assert "".join(c.content for c in chunks).strip() == "Hello streaming world"
    assert {c.full_message_id for c in chunks} == {final_id := seen[-2].id}  # type: ignore[union-attr]
    assert final_id
    final = seen[-1]
    assert isinstance(final, TaskResult)
    assert not any(isinstance(m, ModelClientStreamingChunkEvent) for m in final.messages)
    assert final.messages[-1].to_text() == "Hello streaming world"
    assert seen[-2] is final.messages[-1]


async def test_thought_event() -> None:
    answer = CreateResult(
        finish_reason="stop",
        content="Paris.",
        thought="The capital of France.",
        usage=RequestUsage(1, 1),
    )
    agent = AssistantAgent("a", ReplayChatCompletionClient([answer]))
    result = await agent.run(task="Capital of France?")
    assert types_of(result) == ["TextMessage", "ThoughtEvent", "TextMessage"]
    thought = result.messages[1]
    assert isinstance(thought, ThoughtEvent) and thought.content == "The capital of France."
    stored = (await agent.model_context.get_messages())[-1]
    assert isinstance(stored, AssistantMessage) and stored.thought == "The capital of France."


async def test_structured_output() -> None:
    client = ReplayChatCompletionClient(['{"city": "Oslo", "degrees": -3}'])
    agent = AssistantAgent(
        "a", client, output_content_type=Weather, output_content_type_format="{city}: {degrees}"
    )
    result = await agent.run(task="Weather?")
    answer = result.messages[-1]
    assert isinstance(answer, StructuredMessage)
    assert answer.content == Weather(city="Oslo", degrees=-3)
    assert answer.to_text() == "Oslo: -3"
    assert StructuredMessage in agent.produced_message_types
    assert client.calls[0]["json_output"] is Weather


async def test_structured_output_that_does_not_validate_is_a_clear_error() -> None:
    from agentparts.errors import ModelResponseError

    agent = AssistantAgent(
        "a", ReplayChatCompletionClient(['{"city": "Oslo"}']), output_content_type=Weather
    )
    with pytest.raises(ModelResponseError, match="not a valid Weather") as caught:
        await agent.run(task="Weather?")
    assert isinstance(caught.value, ValidationError)  # what AutoGen lets out
    assert [e["loc"] for e in caught.value.errors()] == [("degrees",)]


async def test_structured_output_reflects_after_tools() -> None:
    client = ReplayChatCompletionClient(
        [calls(("add", '{"a": 1, "b": 2}')), '{"city": "Rome", "degrees": 3}'],
        model_info=TOOLS_INFO,
    )
    agent = AssistantAgent("a", client, tools=[add], output_content_type=Weather)
    result = await agent.run(task="go")
    assert isinstance(result.messages[-1], StructuredMessage)
    assert result.messages[-1].content.city == "Rome"


async def test_memory_is_recalled_and_reported() -> None:
    memory = ListMemory(
        memory_contents=[MemoryContent(content="User likes metric", mime_type=MemoryMimeType.TEXT)]
    )
    agent = AssistantAgent("a", ReplayChatCompletionClient(["20 degrees"]), memory=[memory])
    result = await agent.run(task="Weather?")
    assert types_of(result) == ["TextMessage", "MemoryQueryEvent", "TextMessage"]
    event = result.messages[1]
    assert isinstance(event, MemoryQueryEvent)
    assert event.content[0].content == "User likes metric"
    history = await agent.model_context.get_messages()
    assert any(isinstance(m, SystemMessage) and "User likes metric" in m.content for m in history)


async def test_state_round_trip_through_json() -> None:
    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient(
            [calls(("add", '{"a": 1, "b": 2}')), "3"], model_info=TOOLS_INFO
        ),
        tools=[add],
        max_tool_iterations=2,
    )
    await agent.run(task="1+2")
    state = json.loads(json.dumps(await agent.save_state()))
    assert state["type"] == "AssistantAgentState"
    other = AssistantAgent("a", ReplayChatCompletionClient([], model_info=TOOLS_INFO), tools=[add])
    await other.load_state(state)
    assert await other.model_context.get_messages() == await agent.model_context.get_messages()
    await other.on_reset(CancellationToken())
    assert await other.model_context.get_messages() == []
    with pytest.raises(ValueError, match="llm_context"):
        await other.load_state({"type": "Nope"})


async def test_whole_agent_as_one_component() -> None:
    memory = ListMemory(memory_contents=[MemoryContent(content="fact", mime_type="text/plain")])
    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient(['{"city": "Oslo", "degrees": 1}'], model_info=TOOLS_INFO),
        tools=[FunctionTool(add)],
        handoffs=["planner"],
        model_context=BufferedChatCompletionContext(buffer_size=6),
        memory=[memory],
        description="Adds.",
        system_message="SYS",
        model_client_stream=True,
        output_content_type=Weather,
        tool_call_summary_formatter=short_summary,
        max_tool_iterations=3,
        metadata={"team": "x"},
    )
    saved = json.loads(agent.dump_component().model_dump_json())
    config = saved["config"]
    assert saved["provider"] == "agentparts.agents.AssistantAgent"
    assert saved["component_type"] == "agent"
    assert config["model_client"]["component_type"] == "model"
    assert config["tools"][0]["component_type"] == "tool"
    assert config["model_context"]["config"]["buffer_size"] == 6
    assert config["memory"][0]["config"]["memory_contents"][0]["content"] == "fact"
    assert config["output_content_type"] == "tests.agents.conftest.Weather"
    loaded = AssistantAgent.load_component(saved, allowed_providers=["tests"])
    assert loaded.dump_component() == agent.dump_component()
    result = await loaded.run(task="weather")
    assert isinstance(result.messages[-1], StructuredMessage)


async def test_loading_refuses_output_types_that_are_not_allowed() -> None:
    agent = AssistantAgent("a", ReplayChatCompletionClient(["{}"]), output_content_type=Weather)
    saved = agent.dump_component()
    from agentparts.errors import ProviderNotAllowedError

    with pytest.raises(ProviderNotAllowedError, match="output_content_type"):
        AssistantAgent.load_component(saved)


async def test_workbench_instead_of_tools() -> None:
    workbench = StaticWorkbench([FunctionTool(add)])
    client = ReplayChatCompletionClient(
        [calls(("add", '{"a": 2, "b": 3}'), ("nope", "{}"))], model_info=TOOLS_INFO
    )
    agent = AssistantAgent("a", client, workbench=workbench)
    result = await agent.run(task="go")
    summary = result.messages[-1]
    assert isinstance(summary, ToolCallSummaryMessage)
    assert summary.results[0].content == "5"
    assert summary.results[1].is_error


def test_invalid_arguments_are_refused_with_clear_errors() -> None:
    client = ReplayChatCompletionClient([])
    with pytest.raises(ValueError, match="identifier"):
        AssistantAgent("not a name", client)
    with pytest.raises(ValueError, match="max_tool_iterations"):
        AssistantAgent("a", client, max_tool_iterations=0)
    with pytest.raises(TypeError, match="system_message must be a string or None, got int"):
        AssistantAgent("a", client, system_message=3)  # pyright: ignore[reportArgumentType]
    with pytest.raises(ValueError, match="not both"):
        AssistantAgent("a", client, tools=[add], workbench=StaticWorkbench([]))
    with pytest.raises(ValueError, match="unique"):
        AssistantAgent("a", client, tools=[add, FunctionTool(add)])
    with pytest.raises(ValueError, match="Handoff names must be unique from tool names: add"):
        AssistantAgent("a", client, tools=[add], handoffs=[Handoff(target="x", name="add")])
    no_tools = ReplayChatCompletionClient(
        [],
        model_info={
            "vision": False,
            "function_calling": False,
            "json_output": False,
            "family": "x",
            "structured_output": False,
        },
    )
    with pytest.raises(ValueError, match="function calling"):
        AssistantAgent("a", no_tools, tools=[add])


async def test_cancel_during_model_call_stops_the_run() -> None:
    client = BlockingClient()
    agent = AssistantAgent("a", client)
    token = CancellationToken()
    canceller = asyncio.create_task(cancel_when(client.started, token))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(agent.run(task="hi", cancellation_token=token), 10)
    await canceller
    assert client.cancelled


async def test_cancel_during_stream_stops_the_run() -> None:
    client = BlockingClient()
    agent = AssistantAgent("a", client, model_client_stream=True)
    token = CancellationToken()
    first_chunk = asyncio.Event()
    seen: list[object] = []

    async def consume() -> None:
        async for item in agent.run_stream(task="hi", cancellation_token=token):
            seen.append(item)
            if isinstance(item, ModelClientStreamingChunkEvent):
                first_chunk.set()

    canceller = asyncio.create_task(cancel_when(first_chunk, token))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(consume(), 10)
    await canceller
    assert client.cancelled
    assert any(isinstance(m, ModelClientStreamingChunkEvent) for m in seen)


async def test_cancel_during_tool_stops_the_tool() -> None:
    started = asyncio.Event()
    state = {"cancelled": False}

    async def wait_forever() -> str:
        """Blocks."""
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            state["cancelled"] = True
            raise
        return "never"

    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient([calls(("wait_forever", "{}"))], model_info=TOOLS_INFO),
        tools=[wait_forever],
    )
    token = CancellationToken()
    canceller = asyncio.create_task(cancel_when(started, token))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(agent.run(task="go", cancellation_token=token), 10)
    await canceller
    await asyncio.sleep(0)
    assert state["cancelled"]


def assert_task_not_cancelling() -> None:
    """The caller's task holds no cancel request, and its own timeouts still work."""
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_cancelled_run_leaves_the_callers_task_as_it_was() -> None:
    client = BlockingClient()
    agent = AssistantAgent("a", client)
    token = CancellationToken()
    canceller = asyncio.create_task(cancel_when(client.started, token))
    with pytest.raises(asyncio.CancelledError):
        await agent.run(task="hi", cancellation_token=token)  # in this very task
    await canceller
    assert client.cancelled
    assert_task_not_cancelling()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await asyncio.sleep(5)


async def test_a_cancelled_stream_leaves_the_callers_task_as_it_was() -> None:
    client = BlockingClient()
    agent = AssistantAgent("a", client, model_client_stream=True)
    token = CancellationToken()

    async def consume() -> None:
        async for item in agent.run_stream(task="hi", cancellation_token=token):
            if isinstance(item, ModelClientStreamingChunkEvent):
                token.cancel()  # from inside the consuming task itself, between steps

    with pytest.raises(asyncio.CancelledError):
        await consume()  # in this very task
    assert client.cancelled
    assert_task_not_cancelling()


async def test_a_tool_that_swallows_the_cancellation_still_ends_the_run() -> None:
    started = asyncio.Event()

    async def stubborn() -> str:
        """Ignores cancellation."""
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            return "ignored the cancel"
        return "never"

    client = ReplayChatCompletionClient(
        [calls(("stubborn", "{}")), "the model goes on"], model_info=TOOLS_INFO
    )
    agent = AssistantAgent("a", client, tools=[stubborn], reflect_on_tool_use=True)
    token = CancellationToken()
    canceller = asyncio.create_task(cancel_when(started, token))
    with pytest.raises(asyncio.CancelledError):
        await agent.run(task="go", cancellation_token=token)
    await canceller
    assert_task_not_cancelling()
    assert client.remaining == 1, "the turn stopped at the tools: no second model call"


async def test_already_cancelled_token_runs_nothing() -> None:
    client = ReplayChatCompletionClient(["unused"])
    token = CancellationToken()
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await AssistantAgent("a", client).run(task="hi", cancellation_token=token)


async def test_events_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    agent = AssistantAgent(
        "logger",
        ReplayChatCompletionClient([calls(("add", '{"a": 1, "b": 1}'))], model_info=TOOLS_INFO),
        tools=[add],
    )
    with caplog.at_level(logging.INFO, logger=EVENT_LOGGER_NAME):
        await agent.run(task="go")
    events = [
        r.msg.to_dict() for r in caplog.records if getattr(r.msg, "type", None) == "AgentMessage"
    ]
    kinds = [e["message"]["type"] for e in events]
    assert kinds == ["ToolCallRequestEvent", "ToolCallExecutionEvent"]
    assert all(e["agent"] == "logger" for e in events)


async def test_on_messages_returns_a_response_with_inner_messages() -> None:
    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient([calls(("add", '{"a": 1, "b": 1}'))], model_info=TOOLS_INFO),
        tools=[add],
    )
    response = await agent.on_messages(
        [TextMessage(content="go", source="user")], CancellationToken()
    )
    assert isinstance(response, Response)
    assert [type(m).__name__ for m in response.inner_messages or []] == [
        "ToolCallRequestEvent",
        "ToolCallExecutionEvent",
    ]
    assert isinstance(response.chat_message, ToolCallSummaryMessage)
    assert isinstance(response.inner_messages[0], ToolCallRequestEvent)  # type: ignore[index]
    assert response.inner_messages[0].content == [FunctionCall("call_0", '{"a": 1, "b": 1}', "add")]  # type: ignore[index]


async def test_cancel_from_another_thread() -> None:
    client = BlockingClient()
    agent = AssistantAgent("a", client)
    token = CancellationToken()

    async def cancel_from_thread() -> None:
        await client.started.wait()
        await asyncio.get_running_loop().run_in_executor(None, token.cancel)

    canceller = asyncio.create_task(cancel_from_thread())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(agent.run(task="hi", cancellation_token=token), 10)
    await canceller
    assert client.cancelled


async def test_a_cancelled_run_leaves_the_agent_usable() -> None:
    token = CancellationToken()
    token.cancel()
    client = ReplayChatCompletionClient(["after cancel"])
    agent = AssistantAgent("a", client)
    with pytest.raises(asyncio.CancelledError):
        await agent.run(task="first", cancellation_token=token)
    result = await agent.run(task="second")
    assert result.messages[-1].to_text() == "after cancel"


# --- streaming tools: their events reach the agent's stream as they happen -----------


class _StepArgs(BaseModel):
    steps: int = 2


class _GatedSteps(BaseStreamTool[_StepArgs, TextMessage, str]):
    """Yields progress messages, then waits for the test to open the gate.

    A stream's last item is its result, so a workbench passes an item on when the next
    one comes: every message but the last reaches the agent while the tool waits.
    """

    def __init__(self) -> None:
        super().__init__(_StepArgs, str, "gated", "Report progress, then wait.")
        self.gate = asyncio.Event()
        self.stopped_early = False

    async def run_stream(
        self, args: _StepArgs, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Any, None]:
        try:
            for i in range(args.steps):
                yield TextMessage(content=f"working {i}", source="gated")
            await self.gate.wait()
        except asyncio.CancelledError:
            self.stopped_early = True
            raise
        yield "finished"


async def test_a_stream_tools_events_arrive_while_it_runs() -> None:
    tool = _GatedSteps()
    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient([calls(("gated", "{}"))], model_info=TOOLS_INFO),
        tools=[tool],
    )
    seen: list[str] = []

    async def consume() -> TaskResult:
        async for item in agent.run_stream(task="go"):
            if isinstance(item, TaskResult):
                return item
            seen.append(type(item).__name__)
            if isinstance(item, TextMessage) and item.content == "working 0":
                tool.gate.set()  # the tool is still waiting: this event came before its end
        raise AssertionError("no TaskResult")

    # A stream that held the tool's events back until it ended would never open the gate.
    result = await asyncio.wait_for(consume(), 10)
    assert (
        seen
        == types_of(result)
        == [
            "TextMessage",
            "ToolCallRequestEvent",
            "TextMessage",
            "TextMessage",
            "ToolCallExecutionEvent",
            "ToolCallSummaryMessage",
        ]
    )
    assert result.messages[-1].to_text() == "finished"


async def test_a_stream_tool_that_times_out_keeps_its_events_and_reports_an_error() -> None:
    tool = _GatedSteps()  # the gate never opens
    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient([calls(("gated", '{"steps": 2}'))], model_info=TOOLS_INFO),
        tools=[tool],
        tool_call_timeout=0.2,
    )
    result = await agent.run(task="go")
    progress = [m.to_text() for m in result.messages if m.source == "gated"]
    # The last item before the timeout is held back as the possible result, and dropped.
    assert progress == ["working 0"]
    executed = result.messages[-2]
    assert isinstance(executed, ToolCallExecutionEvent)
    assert executed.content[0].is_error
    assert "did not finish within 0.2 seconds" in executed.content[0].content
    assert tool.stopped_early


async def test_cancelling_during_a_stream_tool_stops_the_tool() -> None:
    tool = _GatedSteps()
    agent = AssistantAgent(
        "a",
        ReplayChatCompletionClient([calls(("gated", "{}"))], model_info=TOOLS_INFO),
        tools=[tool],
    )
    token = CancellationToken()

    async def consume() -> None:
        async for item in agent.run_stream(task="go", cancellation_token=token):
            if isinstance(item, TextMessage) and item.source == "gated":
                token.cancel()  # the tool is waiting on its gate

    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(consume(), 10)
    assert tool.stopped_early


class _ProgressBench(StreamWorkbench):
    """A workbench of its own (not a StaticStreamWorkbench) that streams every call."""

    def __init__(self, final: bool = True) -> None:
        self._final = final

    async def list_tools(self) -> list[ToolSchema]:
        return [ToolSchema(name="job", description="A job with progress.")]

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        raise AssertionError("a streaming workbench is called through call_tool_stream")

    async def call_tool_stream(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> AsyncGenerator[Any, None]:
        yield ThoughtEvent(content=f"{name} half done", source="bench")
        if self._final:
            yield ToolResult(name=name, result=[TextResultContent(content="job done")])


async def test_any_stream_workbench_is_called_through_its_stream() -> None:
    client = ReplayChatCompletionClient([calls(("job", "{}")), "ok"], model_info=TOOLS_INFO)
    agent = AssistantAgent("a", client, workbench=_ProgressBench())
    result = await agent.run(task="go")
    assert types_of(result) == [
        "TextMessage",
        "ToolCallRequestEvent",
        "ThoughtEvent",
        "ToolCallExecutionEvent",
        "ToolCallSummaryMessage",
    ]
    assert result.messages[2].to_text() == "job half done"
    assert result.messages[-1].to_text() == "job done"


async def test_a_tool_stream_without_a_result_is_an_error_for_the_model() -> None:
    client = ReplayChatCompletionClient([calls(("job", "{}")), "ok"], model_info=TOOLS_INFO)
    agent = AssistantAgent("a", client, workbench=_ProgressBench(final=False))
    result = await agent.run(task="go")
    executed = result.messages[-2]
    assert isinstance(executed, ToolCallExecutionEvent) and executed.content[0].is_error
    assert "ended without a ToolResult" in executed.content[0].content
