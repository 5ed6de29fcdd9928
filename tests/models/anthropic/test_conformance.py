"""The reusable client conformance suite, run against the Anthropic client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

import pytest

from agentparts.models.anthropic import AnthropicChatCompletionClient
from agentparts.testing import AnthropicTestServer, ChatCompletionClientTests


@pytest.fixture
async def anthropic_server() -> AsyncIterator[AnthropicTestServer]:
    async with AnthropicTestServer(default_reply="Hello there, how are you today?") as server:
        yield server


class TestAnthropicClientConformance(ChatCompletionClientTests):
    secret_values: ClassVar[tuple[str, ...]] = ("sk-ant-conformance-key",)

    @pytest.fixture
    def client(self, anthropic_server: AnthropicTestServer) -> AnthropicChatCompletionClient:
        return AnthropicChatCompletionClient(
            "claude-sonnet-4-20250514",
            base_url=anthropic_server.base_url,
            api_key="sk-ant-conformance-key",
        )
