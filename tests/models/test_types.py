from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any, Self

import pytest
from pydantic import BaseModel, TypeAdapter

from agentparts import CancellationToken, Component, FunctionCall, Image
from agentparts.errors import ModelInfoRequiredError
from agentparts.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    ModelCapabilities,
    ModelFamily,
    RequestUsage,
    SystemMessage,
    UserMessage,
    count_tokens_compat,
    remaining_tokens_compat,
    validate_model_info,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_finish_reason_tool_calls_is_function_calls() -> None:
    call = FunctionCall(id="1", name="add", arguments='{"a": 1}')
    result = CreateResult(
        finish_reason="tool_calls",  # pyright: ignore[reportArgumentType]
        content=[call],
        usage=RequestUsage(1, 2),
    )
    assert result.finish_reason == "function_calls"


def test_unknown_finish_reason_becomes_unknown() -> None:
    result = CreateResult(finish_reason="weird", content="x", usage=RequestUsage(0, 0))  # pyright: ignore[reportArgumentType]
    assert result.finish_reason == "unknown"


def test_function_calls_kwarg_puts_calls_into_content_and_text_into_thought() -> None:
    call = FunctionCall(id="1", name="add", arguments="{}")
    result = CreateResult.model_validate(
        {
            "content": "I will add.",
            "function_calls": [call],
            "finish_reason": "tool_calls",
            "usage": RequestUsage(1, 1),
            "cached": False,
        }
    )
    assert result.content == [call]
    assert result.thought == "I will add."
    assert result.finish_reason == "function_calls"


def test_empty_function_calls_kwarg_keeps_text() -> None:
    result = CreateResult.model_validate(
        {
            "content": "hi",
            "function_calls": [],
            "finish_reason": "stop",
            "usage": RequestUsage(1, 1),
        }
    )
    assert result.content == "hi"


def test_assistant_message_function_calls() -> None:
    call = FunctionCall(id="1", name="f", arguments="{}")
    assert AssistantMessage(content=[call], source="a").function_calls == [call]
    assert AssistantMessage(content="text", source="a").function_calls == []


def test_llm_message_union_round_trip_with_image() -> None:
    adapter: TypeAdapter[LLMMessage] = TypeAdapter(LLMMessage)
    messages: list[LLMMessage] = [
        SystemMessage(content="s"),
        UserMessage(content=["look", Image(PNG)], source="user"),
        AssistantMessage(content=[FunctionCall(id="c", name="f", arguments="{}")], source="a"),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content="boom", name="f", call_id="c", is_error=True)]
        ),
    ]
    for message in messages:
        data = adapter.dump_python(message, mode="json")
        assert adapter.validate_python(data) == message


def test_validate_model_info_names_missing_keys() -> None:
    with pytest.raises(ModelInfoRequiredError, match="family"):
        validate_model_info({"vision": False, "function_calling": True, "json_output": True})
    validate_model_info(
        {"vision": False, "function_calling": True, "json_output": True, "family": "x"}
    )


def test_model_family_helpers() -> None:
    assert ModelFamily.is_openai(ModelFamily.GPT_4O)
    assert ModelFamily.is_claude(ModelFamily.CLAUDE_3_5_SONNET)
    assert not ModelFamily.is_openai("llama-3.3-70b")


# --- the extension guide's client, unchanged but for the import root -------------------


class MyModelConfig(BaseModel):
    model: str
    api_key: str
    temperature: float = 0.7
    max_tokens: int = 1024


class MyModelClient(ChatCompletionClient, Component[MyModelConfig]):
    component_config_schema = MyModelConfig
    component_provider_override = "tests.models.MyModelClient"

    def __init__(self, model: str, api_key: str, temperature: float = 0.7, max_tokens: int = 1024):
        self._model = model
        self._api_key = api_key
        self._temperature = temperature
        self._max_tokens = max_tokens

    async def create(  # pyright: ignore[reportIncompatibleMethodOverride]
        self, messages: Sequence[LLMMessage], cancellation_token: CancellationToken, **kwargs: Any
    ) -> CreateResult:
        return CreateResult(
            content="hello",
            usage=RequestUsage(prompt_tokens=3, completion_tokens=1),
            finish_reason="stop",
            cached=False,
        )

    async def create_stream(  # pyright: ignore[reportIncompatibleMethodOverride]
        self, messages: Sequence[LLMMessage], cancellation_token: CancellationToken, **kwargs: Any
    ) -> AsyncGenerator[str | CreateResult, None]:
        yield "hel"
        yield CreateResult(content="", usage=RequestUsage(3, 1), finish_reason="stop", cached=False)

    @property
    def capabilities(self) -> ModelCapabilities:
        return ModelCapabilities(vision=False, function_calling=True, json_output=True)

    def count_tokens(self, messages: Sequence[LLMMessage]) -> int:  # pyright: ignore[reportIncompatibleMethodOverride]
        return sum(len(str(msg.content).split()) for msg in messages)

    def _to_config(self) -> MyModelConfig:
        return MyModelConfig(model=self._model, api_key=self._api_key)

    @classmethod
    def _from_config(cls, config: MyModelConfig) -> Self:
        return cls(model=config.model, api_key=config.api_key)


async def test_guide_client_instantiates_with_defaults() -> None:
    client = MyModelClient(model="test", api_key="test")
    result = await client.create([UserMessage(content="Hello", source="user")], CancellationToken())
    assert result.content == "hello"
    assert client.component_type == "model"
    assert client.model == "test"
    assert client.model_info == {
        "vision": False,
        "function_calling": True,
        "json_output": True,
        "family": "unknown",
        "structured_output": False,
    }
    assert client.total_usage() == RequestUsage(0, 0)
    assert client.actual_usage() == RequestUsage(0, 0)
    await client.close()
    assert client.dump_component().component_type == "model"


def test_count_tokens_compat_calls_clients_without_tools_argument() -> None:
    client = MyModelClient(model="test", api_key="test")
    messages = [UserMessage(content="one two three", source="user")]
    tool = {"name": "t", "description": "d", "parameters": {"type": "object", "properties": {}}}
    assert count_tokens_compat(client, messages, [tool]) == 3  # pyright: ignore[reportArgumentType]


def test_default_remaining_tokens_needs_a_context_window() -> None:
    client = MyModelClient(model="test", api_key="test")
    with pytest.raises(ModelInfoRequiredError, match="context_window"):
        remaining_tokens_compat(client, [UserMessage(content="x", source="user")])


class CountingClient(MyModelClient):
    """Records usage the way built-in clients do."""

    async def create(  # pyright: ignore[reportIncompatibleMethodOverride]
        self, messages: Sequence[LLMMessage], cancellation_token: CancellationToken, **kwargs: Any
    ) -> CreateResult:
        result = await super().create(messages, cancellation_token)
        self._record_usage(result.usage, cached=bool(kwargs.get("cached")))
        return result


async def test_usage_is_added_up_and_cached_calls_count_in_total_only() -> None:
    client = CountingClient(model="m", api_key="k")
    await client.create([], CancellationToken())
    await client.create([], CancellationToken(), cached=True)
    assert client.total_usage() == RequestUsage(6, 2)
    assert client.actual_usage() == RequestUsage(3, 1)
