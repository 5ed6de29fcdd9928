"""The Ollama client reads each NDJSON stream to its end, so one keep-alive connection
serves call after call, streamed or not."""

from __future__ import annotations

from typing import Any

from agentparts.models import CreateResult, UserMessage
from agentparts.models.ollama import OllamaChatCompletionClient
from agentparts.testing import OllamaTestServer, ScriptedReply

MESSAGES = [UserMessage(content="Say hello", source="user")]


def connections(client: OllamaChatCompletionClient) -> list[tuple[bool, bool]]:
    """(idle, closed) of each httpx connection the client's pool holds."""
    pool: Any = client._pool  # pyright: ignore[reportPrivateUsage]
    found: list[tuple[bool, bool]] = []
    for shard in pool._shards:
        if shard is not None:
            found += [(c.is_idle(), c.is_closed()) for c in shard._transport._pool.connections]
    return found


async def test_streams_and_calls_share_one_kept_alive_connection() -> None:
    async with OllamaTestServer(default_reply=ScriptedReply("one two three")) as server:
        client = OllamaChatCompletionClient("llama3.2", host=server.base_url, max_connections=1)
        try:
            for _ in range(4):
                items = [item async for item in client.create_stream(MESSAGES)]
                assert isinstance(items[-1], CreateResult)
                assert items[-1].content == "one two three"
                assert connections(client) == [(True, False)]  # back in the pool, open
                assert (await client.create(MESSAGES)).content == "one two three"
                assert connections(client) == [(True, False)]
        finally:
            await client.close()
        assert server.peak_connections == 1
