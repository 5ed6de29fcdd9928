"""The model-client conformance suite, run against the built-in clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agentparts.models.cache import ChatCompletionCache
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.testing import ChatCompletionClientTests, OpenAITestServer, ScriptedReply

API_KEY = "sk-conformance-secret-1234"


class TestReplayClientConformance(ChatCompletionClientTests):
    @pytest.fixture
    def client(self) -> ReplayChatCompletionClient:
        return ReplayChatCompletionClient(["Hello there, nice to meet you."] * 3)


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer(
        default_reply=ScriptedReply("Hello from the local server."), api_key=API_KEY
    ) as running:
        yield running


class TestOpenAIClientConformance(ChatCompletionClientTests):
    secret_values = (API_KEY,)

    @pytest.fixture
    def client(self, server: OpenAITestServer) -> OpenAIChatCompletionClient:
        return OpenAIChatCompletionClient(
            model="gpt-4o", api_key=API_KEY, base_url=server.base_url, max_retries=0
        )


class TestCachedClientConformance(ChatCompletionClientTests):
    @pytest.fixture
    def client(self) -> ChatCompletionCache:
        return ChatCompletionCache(
            ReplayChatCompletionClient(["Hello there, nice to meet you."] * 3)
        )
