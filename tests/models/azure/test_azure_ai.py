"""AzureAIChatCompletionClient (Azure AI model inference, GitHub Models) against the
OpenAI test server: the wire is OpenAI's, at ``{endpoint}/chat/completions?api-version=``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentparts._providers import resolve_provider
from agentparts.auth.azure import AzureTokenProvider
from agentparts.errors import ModelAuthenticationError, ModelCapabilityError
from agentparts.models import ChatCompletionClient, CreateResult, ModelInfo, UserMessage
from agentparts.models.azure import AzureAIChatCompletionClient
from agentparts.testing import (
    ChatCompletionClientTests,
    Fault,
    OpenAITestServer,
    ScriptedReply,
    ScriptedToolCall,
)
from agentparts.tools import FunctionTool

KEY = "github-pat-0123456789"
INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=True,
    family="unknown",
    structured_output=False,
)
MESSAGES = [UserMessage(content="What is the capital of France?", source="user")]


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer(api_key=KEY, api_versions=["2024-05-01-preview"]) as running:
        yield running


_made: list[ChatCompletionClient] = []


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    while _made:
        await _made.pop().close()


def make(server: OpenAITestServer, **kwargs: Any) -> AzureAIChatCompletionClient:
    options: dict[str, Any] = {
        "endpoint": server.azure_endpoint + "/models",
        "credential": KEY,
        "model_info": INFO,
        "model": "Phi-4",
        "retry_initial_delay": 0.001,
        "retry_max_delay": 0.002,
    }
    options.update(kwargs)
    client = AzureAIChatCompletionClient(**options)
    _made.append(client)
    return client


async def test_text_goes_to_chat_completions_with_api_version(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Paris.", prompt_tokens=8, completion_tokens=1))
    result = await make(server, temperature=0.5).create(MESSAGES)
    assert (result.content, result.usage.prompt_tokens) == ("Paris.", 8)
    request = server.last_request
    assert request.path == "/models/chat/completions?api-version=2024-05-01-preview"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert (request.body["model"], request.body["temperature"]) == ("Phi-4", 0.5)
    assert "name" not in request.body["messages"][0]


async def test_model_is_left_out_when_not_given_and_extras_pass_through(
    server: OpenAITestServer,
) -> None:
    client = make(server, model=None, model_extras={"safe_mode": True})
    await client.create(MESSAGES)
    assert "model" not in server.last_request.body
    assert server.last_request.body["safe_mode"] is True
    assert server.last_request.headers["extra-parameters"] == "pass-through"


async def test_streaming_tools_and_retries(server: OpenAITestServer) -> None:
    call = ScriptedToolCall("add", {"a": 2, "b": 2})
    server.script(Fault.rate_limit(0), ScriptedReply(tool_calls=[call, call]))
    tool = FunctionTool(add, description="Add.")
    result: CreateResult | None = None
    async for item in make(server).create_stream(MESSAGES, tools=[tool]):
        if isinstance(item, CreateResult):
            result = item
    assert result is not None and isinstance(result.content, list)
    assert [json.loads(c.arguments) for c in result.content] == [{"a": 2, "b": 2}] * 2
    assert "stream_options" not in server.last_request.body
    assert result.usage.prompt_tokens > 0  # estimated: the endpoint sent no usage chunk
    assert len(server.requests) == 2


async def test_streaming_usage_equals_the_whole_answers() -> None:
    """Azure AI endpoints end every stream with the usage (no ``stream_options``): the
    streamed result reports the server's count, the same as the whole answer."""
    reply = ScriptedReply("Paris is the capital.", prompt_tokens=11, completion_tokens=5)
    async with OpenAITestServer(
        [reply, reply], api_key=KEY, usage_in_every_stream=True
    ) as usage_server:
        client = make(usage_server)
        whole = await client.create(MESSAGES)
        streamed: CreateResult | None = None
        async for item in client.create_stream(MESSAGES):
            if isinstance(item, CreateResult):
                streamed = item
    assert streamed is not None and streamed.content == whole.content
    assert streamed.usage == whole.usage
    assert (whole.usage.prompt_tokens, whole.usage.completion_tokens) == (11, 5)
    assert "stream_options" not in usage_server.last_request.body
    assert client.total_usage().completion_tokens == 10


async def test_model_info_is_required_and_enforced(server: OpenAITestServer) -> None:
    with pytest.raises(TypeError, match="model_info"):
        AzureAIChatCompletionClient(endpoint=server.azure_endpoint, credential=KEY)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    no_tools = make(server, model_info={**INFO, "function_calling": False})
    with pytest.raises(ModelCapabilityError, match="cannot call tools"):
        await no_tools.create(MESSAGES, tools=[FunctionTool(add, description="Add.")])


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_AI_API_KEY", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", KEY)
    github = AzureAIChatCompletionClient(
        endpoint="https://models.github.ai/inference", model_info=INFO, model="Phi-4"
    )
    assert github.dump_component().config["credential"] == {"$env": "GITHUB_TOKEN"}
    # A GitHub token is never sent to another endpoint.
    with pytest.raises(ModelAuthenticationError, match="AZURE_AI_API_KEY"):
        AzureAIChatCompletionClient(
            endpoint="https://x.services.ai.azure.com/models", model_info=INFO
        )


async def test_round_trip_with_a_key_and_with_a_token_provider(server: OpenAITestServer) -> None:
    keyed = make(server, max_tokens=64)
    saved = keyed.dump_component()
    loaded = ChatCompletionClient.load_component(saved)
    assert isinstance(loaded, AzureAIChatCompletionClient)
    _made.append(loaded)
    assert loaded.dump_component().config == saved.config
    assert (await loaded.create(MESSAGES)).content == MESSAGES[0].content
    provider = AzureTokenProvider(None, "https://ml.azure.com/.default")
    token_client = make(server, credential=provider)
    config = token_client.dump_component().config
    assert config["credential"]["provider"] == "agentparts.auth.azure.AzureTokenProvider"
    again = ChatCompletionClient.load_component(token_client.dump_component())
    _made.append(again)
    assert again.dump_component().config == config


def test_short_name_and_autogen_path_resolve() -> None:
    path = "agentparts.models.azure.AzureAIChatCompletionClient"
    assert resolve_provider("azure_ai") == path
    assert resolve_provider("autogen_ext.models.azure.AzureAIChatCompletionClient") == path


class TestAzureAIConformance(ChatCompletionClientTests):
    secret_values = (KEY,)

    @pytest.fixture
    def client(self, server: OpenAITestServer) -> AzureAIChatCompletionClient:
        server.default_reply = ScriptedReply("Hello from Azure AI.")
        return make(server, max_retries=0)
