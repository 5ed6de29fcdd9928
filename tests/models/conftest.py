from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentparts.models import ModelInfo, SystemMessage, UserMessage
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.testing import OpenAITestServer

TEST_INFO = ModelInfo(
    vision=True,
    function_calling=True,
    json_output=True,
    family="unknown",
    structured_output=True,
    context_window=4096,
)

MESSAGES = [
    SystemMessage(content="You are terse."),
    UserMessage(content="Say hello", source="user"),
]


@pytest.fixture
async def server() -> AsyncIterator[OpenAITestServer]:
    async with OpenAITestServer() as test_server:
        yield test_server


def make_client(server: OpenAITestServer, **kwargs: Any) -> OpenAIChatCompletionClient:
    options: dict[str, Any] = {
        "base_url": server.base_url,
        "model_info": TEST_INFO,
        "retry_initial_delay": 0.001,
        "retry_max_delay": 0.002,
    }
    options.update(kwargs)
    model = options.pop("model", "test-model")
    return OpenAIChatCompletionClient(model, **options)


@pytest.fixture
async def client(server: OpenAITestServer) -> AsyncIterator[OpenAIChatCompletionClient]:
    model_client = make_client(server)
    yield model_client
    await model_client.close()


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
