"""AzureOpenAIChatCompletionClient against the OpenAI test server's Azure routes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken, FunctionCall
from agentparts._providers import resolve_provider
from agentparts.auth.azure import AzureTokenProvider
from agentparts.errors import (
    ModelAuthenticationError,
    ModelNotFoundError,
    ModelRequestError,
)
from agentparts.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.openai import AzureOpenAIChatCompletionClient
from agentparts.testing import (
    ChatCompletionClientTests,
    Fault,
    OpenAITestServer,
    ScriptedReply,
    ScriptedToolCall,
)
from agentparts.tools import FunctionTool

KEY = "azure-key-0123456789"
VERSION = "2024-10-21"
DATA = Path(__file__).parents[2] / "porting" / "data"
MESSAGES = [
    SystemMessage(content="You are terse."),
    UserMessage(content="Say hello", source="user"),
]


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


ADD = FunctionTool(add, description="Add two numbers.")


class FakeCredential:
    """An azure-identity style credential: ``get_token(*scopes)`` with an expiry."""

    def __init__(self, lifetime: float = 3600.0) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.lifetime = lifetime

    def get_token(self, *scopes: str) -> Any:
        self.calls.append(scopes)
        token = f"entra-token-{len(self.calls):04d}"
        expires = int(time.time() + self.lifetime)

        class Access:
            def __init__(self) -> None:
                self.token = token
                self.expires_on = expires

        return Access()


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer(
        api_key=KEY, deployments=["gpt4o-prod"], api_versions=[VERSION, "2024-06-01"]
    ) as running:
        yield running


_made: list[ChatCompletionClient] = []


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    while _made:
        await _made.pop().close()


def make(server: OpenAITestServer, **kwargs: Any) -> AzureOpenAIChatCompletionClient:
    options: dict[str, Any] = {
        "model": "gpt-4o",
        "azure_endpoint": server.azure_endpoint,
        "azure_deployment": "gpt4o-prod",
        "api_version": VERSION,
        "api_key": KEY,
        "retry_initial_delay": 0.001,
        "retry_max_delay": 0.002,
    }
    options.update(kwargs)
    client = AzureOpenAIChatCompletionClient(**options)
    _made.append(client)
    return client


async def collect(stream: AsyncIterator[str | CreateResult]) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    async for item in stream:
        if isinstance(item, CreateResult):
            return chunks, item
        chunks.append(item)
    raise AssertionError("the stream ended without a CreateResult")


# --- requests ------------------------------------------------------------------------


async def test_text_goes_to_the_deployment_route_with_api_key(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("Hello!", prompt_tokens=9, completion_tokens=2))
    result = await make(server).create(MESSAGES)
    assert (result.content, result.usage.prompt_tokens) == ("Hello!", 9)
    request = server.last_request
    assert request.path == f"/openai/deployments/gpt4o-prod/chat/completions?api-version={VERSION}"
    assert request.headers["api-key"] == KEY
    assert "authorization" not in request.headers


async def test_the_deployment_defaults_to_the_model(server: OpenAITestServer) -> None:
    server.deployments = frozenset({"gpt-4o"})
    await make(server, azure_deployment=None).create(MESSAGES)
    assert server.last_request.path.startswith("/openai/deployments/gpt-4o/chat/completions?")


async def test_streaming_usage_equals_the_whole_answers(server: OpenAITestServer) -> None:
    reply = ScriptedReply("one two three", prompt_tokens=12, completion_tokens=3)
    server.script(reply, reply)
    client = make(server)
    whole = await client.create(MESSAGES)
    chunks, streamed = await collect(client.create_stream(MESSAGES))
    assert chunks == ["one ", "two ", "three"]
    assert streamed.usage == whole.usage
    assert (streamed.usage.prompt_tokens, streamed.usage.completion_tokens) == (12, 3)


async def test_tools_single_parallel_and_results(server: OpenAITestServer) -> None:
    calls = [ScriptedToolCall("add", {"a": 1, "b": 2}), ScriptedToolCall("add", {"a": 3, "b": 4})]
    server.script(ScriptedReply(tool_calls=calls[:1]), ScriptedReply(tool_calls=calls))
    client = make(server)
    one = await client.create(MESSAGES, tools=[ADD])
    assert isinstance(one.content, list) and len(one.content) == 1
    _, both = await collect(client.create_stream(MESSAGES, tools=[ADD]))
    assert isinstance(both.content, list)
    assert [json.loads(c.arguments) for c in both.content] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    history = [
        *MESSAGES,
        AssistantMessage(
            content=[FunctionCall(id="c1", name="add", arguments='{"a": 1, "b": 2}')],
            source="assistant",
        ),
        FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(content="boom", name="add", call_id="c1", is_error=True)
            ]
        ),
    ]
    server.script("It failed.")
    assert (await client.create(history, tools=[ADD])).content == "It failed."
    tool_message = server.last_request.messages[-1]
    assert (tool_message["role"], tool_message["tool_call_id"]) == ("tool", "c1")
    assert "boom" in tool_message["content"]


class Answer(BaseModel):
    value: int


async def test_structured_output_sends_a_json_schema(server: OpenAITestServer) -> None:
    server.script('{"value": 3}')
    result = await make(server).create(MESSAGES, json_output=Answer)
    assert server.last_request.body["response_format"]["type"] == "json_schema"
    assert isinstance(result.content, str)
    assert Answer.model_validate_json(result.content).value == 3


async def test_content_filter_results(server: OpenAITestServer) -> None:
    filtered = ScriptedReply(None, finish_reason="content_filter")
    server.script(filtered, filtered)
    client = make(server)
    assert (await client.create(MESSAGES)).finish_reason == "content_filter"
    _, streamed = await collect(client.create_stream(MESSAGES))
    assert streamed.finish_reason == "content_filter"
    server.script(
        Fault(
            400,
            "The response was filtered due to the prompt triggering Azure OpenAI's content "
            "management policy.",
            "content_filter",
        )
    )
    with pytest.raises(ModelRequestError, match="Azure's content filter blocked the prompt"):
        await client.create(MESSAGES)


# --- errors --------------------------------------------------------------------------


async def test_an_unknown_deployment_is_summarized(server: OpenAITestServer) -> None:
    with pytest.raises(ModelNotFoundError) as caught:
        await make(server, azure_deployment="nope").create(MESSAGES)
    text = str(caught.value)
    assert "no deployment 'nope'" in text
    assert "DeploymentNotFound" in text
    assert "azure_deployment" in text
    assert len(server.requests) == 1  # not retried


async def test_a_wrong_api_version_is_summarized(server: OpenAITestServer) -> None:
    with pytest.raises(ModelNotFoundError, match=r"api-version '2023-01-01'.*Resource not found"):
        await make(server, api_version="2023-01-01").create(MESSAGES)


async def test_a_wrong_key_is_not_retried_and_not_shown(server: OpenAITestServer) -> None:
    wrong = "azure-wrong-key-99999999"
    with pytest.raises(ModelAuthenticationError) as caught:
        await make(server, api_key=wrong).create(MESSAGES)
    assert wrong not in str(caught.value)
    assert "AZURE_OPENAI_API_KEY" in str(caught.value)
    assert len(server.requests) == 1


async def test_retries_honour_retry_after(server: OpenAITestServer) -> None:
    server.script(Fault.rate_limit(0.2), Fault.server_error(502), "done")
    started = time.monotonic()
    assert (await make(server).create(MESSAGES)).content == "done"
    assert time.monotonic() - started >= 0.2
    assert len(server.requests) == 3


def test_a_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ModelAuthenticationError, match="AZURE_OPENAI_API_KEY"):
        AzureOpenAIChatCompletionClient(
            model="gpt-4o", azure_endpoint="https://x.openai.azure.com", api_version=VERSION
        )


def test_base_url_is_refused() -> None:
    with pytest.raises(TypeError, match="azure_endpoint"):
        AzureOpenAIChatCompletionClient(
            model="gpt-4o",
            azure_endpoint="https://x.openai.azure.com",
            api_version=VERSION,
            api_key=KEY,
            base_url="https://elsewhere/v1",
        )


async def test_cancellation_mid_stream(server: OpenAITestServer) -> None:
    server.script(ScriptedReply("a b c d e f g h", chunk_delay=0.05))
    client = make(server)
    token = CancellationToken()
    seen: list[str] = []

    async def read() -> None:
        async for item in client.create_stream(MESSAGES, cancellation_token=token):
            if isinstance(item, str):
                seen.append(item)
                if len(seen) == 2:
                    token.cancel()

    with pytest.raises(asyncio.CancelledError):
        await read()
    assert 2 <= len(seen) < 8
    server.script("still here")
    assert (await client.create(MESSAGES)).content == "still here"


# --- Entra ID tokens -------------------------------------------------------------------


async def test_a_token_provider_sends_a_bearer_token_and_renews_it(
    server: OpenAITestServer,
) -> None:
    credential = FakeCredential(lifetime=60.0)  # inside the renewal margin: renewed each time
    provider = AzureTokenProvider(credential, "https://cognitiveservices.azure.com/.default")
    client = make(server, api_key=None, azure_ad_token_provider=provider)
    server.api_key = "entra-token-0001"
    await client.create(MESSAGES)
    assert server.last_request.headers["authorization"] == "Bearer entra-token-0001"
    assert "api-key" not in server.last_request.headers
    server.api_key = "entra-token-0002"
    await collect(client.create_stream(MESSAGES))
    assert credential.calls == [("https://cognitiveservices.azure.com/.default",)] * 2


async def test_a_valid_token_is_reused(server: OpenAITestServer) -> None:
    credential = FakeCredential()
    provider = AzureTokenProvider(credential, "scope/.default")
    server.api_key = "entra-token-0001"
    client = make(server, api_key=None, azure_ad_token_provider=provider)
    await client.create(MESSAGES)
    await client.create(MESSAGES)
    assert len(credential.calls) == 1


async def test_an_async_callable_provider_and_a_failing_one(server: OpenAITestServer) -> None:
    async def token() -> str:
        return "callable-token-123"

    server.api_key = "callable-token-123"
    client = make(server, api_key=None, azure_ad_token_provider=token)
    assert (await client.create(MESSAGES)).content == "Say hello"
    with pytest.raises(ValueError, match="plain function"):
        client.dump_component()

    def broken() -> str:
        raise RuntimeError("no Azure login found")

    failing = make(server, api_key=None, azure_ad_token_provider=broken)
    with pytest.raises(ModelAuthenticationError, match="no Azure login found"):
        await failing.create(MESSAGES)


# --- component ------------------------------------------------------------------------


def test_short_name_and_autogen_paths_resolve() -> None:
    assert resolve_provider("azure_openai").endswith("openai.AzureOpenAIChatCompletionClient")
    assert (
        resolve_provider("autogen_ext.models.openai.AzureOpenAIChatCompletionClient")
        == "agentparts.models.openai.AzureOpenAIChatCompletionClient"
    )
    assert (
        resolve_provider("autogen_ext.auth.azure.AzureTokenProvider")
        == "agentparts.auth.azure.AzureTokenProvider"
    )


async def test_round_trip_with_a_token_provider(server: OpenAITestServer) -> None:
    provider = AzureTokenProvider(None, "https://cognitiveservices.azure.com/.default")
    client = make(server, api_key=None, azure_ad_token_provider=provider, temperature=0.3)
    saved = client.dump_component()
    nested = saved.config["azure_ad_token_provider"]
    assert nested["provider"] == "agentparts.auth.azure.AzureTokenProvider"
    assert nested["config"] == {
        "provider_kind": "DefaultAzureCredential",
        "scopes": ["https://cognitiveservices.azure.com/.default"],
    }
    loaded = ChatCompletionClient.load_component(json.loads(saved.model_dump_json()))
    assert isinstance(loaded, AzureOpenAIChatCompletionClient)
    _made.append(loaded)
    assert loaded.dump_component().config == saved.config
    assert loaded.azure_deployment == "gpt4o-prod"


def test_the_key_from_the_environment_is_saved_as_a_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    client = AzureOpenAIChatCompletionClient(
        model="gpt-4o", azure_endpoint="https://x.openai.azure.com", api_version=VERSION
    )
    saved = client.dump_component()
    assert saved.config["api_key"] == {"$env": "AZURE_OPENAI_API_KEY"}
    assert KEY not in saved.model_dump_json()


def _autogen(name: str, endpoint: str) -> dict[str, Any]:
    text = (DATA / name).read_text(encoding="utf-8")
    return json.loads(text.replace("https://example-resource.openai.azure.com", endpoint))


async def test_autogen_keyed_config_loads_unchanged(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    config = _autogen("autogen075_azure_openai.json", server.azure_endpoint)
    client = ChatCompletionClient.load_component(config)
    assert isinstance(client, AzureOpenAIChatCompletionClient)
    _made.append(client)
    assert (await client.create(MESSAGES)).content == "Say hello"
    assert server.last_request.body["temperature"] == 0.2
    assert server.last_request.path.endswith(f"?api-version={VERSION}")


async def test_autogen_token_provider_config_loads_unchanged(server: OpenAITestServer) -> None:
    server.deployments = frozenset({"mini"})
    config = _autogen("autogen075_azure_openai_token.json", server.azure_endpoint)
    client = ChatCompletionClient.load_component(config)
    assert isinstance(client, AzureOpenAIChatCompletionClient)
    _made.append(client)
    nested = client.dump_component().config["azure_ad_token_provider"]
    assert nested["config"]["scopes"] == ["https://cognitiveservices.azure.com/.default"]
    assert nested["provider"] == "agentparts.auth.azure.AzureTokenProvider"


class TestAzureOpenAIConformance(ChatCompletionClientTests):
    secret_values = (KEY,)

    @pytest.fixture
    def client(self, server: OpenAITestServer) -> AzureOpenAIChatCompletionClient:
        server.default_reply = ScriptedReply("Hello from Azure.")
        return make(server, max_retries=0)


async def test_without_azure_identity_a_saved_provider_loads_and_says_what_to_install(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "azure.identity", None)  # import now fails
    config = _autogen("autogen075_azure_openai_token.json", server.azure_endpoint)
    config["config"]["azure_deployment"] = "gpt4o-prod"
    client = ChatCompletionClient.load_component(config)
    _made.append(client)
    with pytest.raises(ImportError, match=r"pip install 'agentparts\[azure\]'"):
        await client.create(MESSAGES)
    assert server.requests == []  # refused before any request
