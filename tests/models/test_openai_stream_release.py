"""The OpenAI client gives its connection back when a stream ends at ``[DONE]``, when the
caller stops early, and when a server sends ``[DONE]`` but never ends the body."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agentparts.models import CreateResult
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.testing import OpenAITestServer, ScriptedReply

from .conftest import MESSAGES, make_client


def checked_out(client: OpenAIChatCompletionClient) -> tuple[int, int]:
    """The slots the client's pool has handed out, and the httpx connections in use."""
    pool: Any = client._pool  # pyright: ignore[reportPrivateUsage]
    busy = 0
    for shard in pool._shards:
        if shard is None:
            continue
        connections = shard._transport._pool.connections
        busy += sum(1 for c in connections if not (c.is_idle() or c.is_closed()))
    return pool._in_flight, busy


async def test_a_stream_ending_at_done_leaves_no_connection_checked_out(
    server: OpenAITestServer,
) -> None:
    server.default_reply = ScriptedReply("one two three four five")
    client = make_client(server, max_connections=1)
    try:
        for _ in range(5):  # one connection: a stream that kept it would block the next
            items = [item async for item in client.create_stream(MESSAGES)]
            assert isinstance(items[-1], CreateResult)
            assert items[-1].content == "one two three four five"
            assert checked_out(client) == (0, 0)
        assert (await client.create(MESSAGES)).content == "one two three four five"
        assert checked_out(client) == (0, 0)
    finally:
        await client.close()
    assert server.peak_connections == 1


async def test_a_caller_that_stops_early_gives_the_connection_back(
    server: OpenAITestServer,
) -> None:
    server.default_reply = ScriptedReply(" ".join(f"w{i}" for i in range(200)))
    client = make_client(server, max_connections=1)
    try:
        stream = client.create_stream(MESSAGES)
        first = await stream.__anext__()
        assert first == "w0 "
        assert checked_out(client) == (1, 1)  # the stream holds it while it is read
        await stream.aclose()
        assert checked_out(client) == (0, 0)
        result = await client.create(MESSAGES)
        assert isinstance(result.content, str) and result.content.startswith("w0 w1")
    finally:
        await client.close()


async def test_done_without_the_end_of_the_body_does_not_wait_for_it() -> None:
    """A server that sends ``[DONE]`` and then holds the body open: the answer is complete,
    so the client returns it and closes that connection instead of waiting."""
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        chunk: dict[str, Any] = {"choices": [{"index": 0, "delta": {"content": "complete"}}]}
        end: dict[str, Any] = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        usage: dict[str, Any] = {
            "choices": [],
            "usage": {"prompt_tokens": 9, "completion_tokens": 1},
        }
        events = b"".join(b"data: %s\n\n" % json.dumps(c).encode() for c in (chunk, end, usage))
        events += b"data: [DONE]\n\n"
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (len(events), events)
        )
        await writer.drain()
        held.append(writer)  # never sends the final 0-length chunk

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    client = OpenAIChatCompletionClient(
        "gpt-4o",
        base_url=f"http://127.0.0.1:{port}/v1",
        api_key="sk-test",
        stream_idle_timeout=60,
        max_connections=1,
    )
    try:
        # A hang guard, far below the 60 s the client would wait for a missing event.
        items = await asyncio.wait_for(_collect(client), timeout=30)
        assert items == ["complete", items[-1]]
        assert isinstance(items[-1], CreateResult) and items[-1].content == "complete"
        assert items[-1].finish_reason == "stop"
        assert (items[-1].usage.prompt_tokens, items[-1].usage.completion_tokens) == (9, 1)
        assert checked_out(client) == (0, 0)
    finally:
        await client.close()
        for writer in held:
            writer.close()
        listener.close()
        await listener.wait_closed()


async def _collect(client: OpenAIChatCompletionClient) -> list[str | CreateResult]:
    return [item async for item in client.create_stream(MESSAGES)]
