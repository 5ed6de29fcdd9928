from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentparts.models import SystemMessage, UserMessage
from agentparts.models.anthropic import AnthropicChatCompletionClient
from agentparts.testing import AnthropicTestServer

MODEL = "claude-sonnet-4-20250514"
MESSAGES = [
    SystemMessage(content="You are terse."),
    UserMessage(content="Say hello", source="user"),
]


@pytest.fixture
async def server() -> AsyncIterator[AnthropicTestServer]:
    async with AnthropicTestServer(api_key="sk-ant-test") as test_server:
        yield test_server


def make_client(server: AnthropicTestServer, **kwargs: Any) -> AnthropicChatCompletionClient:
    options: dict[str, Any] = {
        "base_url": server.base_url,
        "api_key": "sk-ant-test",
        "retry_initial_delay": 0.001,
        "retry_max_delay": 0.002,
    }
    options.update(kwargs)
    return AnthropicChatCompletionClient(MODEL, **options)
