"""Retries, errors and misbehaving servers: each a clear error, no hang, nothing left open."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentparts import CancellationToken
from agentparts.errors import (
    ModelAuthenticationError,
    ModelConnectionError,
    ModelContextLengthError,
    ModelNotFoundError,
    ModelRequestError,
    ModelResponseError,
    ModelServerError,
    ModelStreamError,
    ModelTimeoutError,
)
from agentparts.models import CreateResult
from agentparts.testing import AnthropicTestServer, Fault, ScriptedReply

from .conftest import MESSAGES, make_client


async def test_overloaded_529_is_retried_honouring_retry_after(
    server: AnthropicTestServer,
) -> None:
    overloaded = Fault(529, "Overloaded", headers={"retry-after": "0.3"})
    server.script(overloaded, "fine now")
    async with make_client(server) as client:
        started = time.monotonic()
        result = await client.create(MESSAGES)
    assert result.content == "fine now"
    assert time.monotonic() - started >= 0.3
    assert len(server.requests) == 2


async def test_overloaded_after_every_retry_says_so(server: AnthropicTestServer) -> None:
    server.script(*[Fault.server_error(529)] * 3)
    async with make_client(server, max_retries=2) as client:
        with pytest.raises(ModelServerError, match=r"HTTP 529, 3 attempts"):
            await client.create(MESSAGES)


async def test_invalid_request_is_not_retried_and_shows_claudes_message(
    server: AnthropicTestServer,
) -> None:
    server.script(Fault(400, "messages.0.content: bad block"))
    async with make_client(server) as client:
        with pytest.raises(ModelRequestError, match=r"messages\.0\.content: bad block"):
            await client.create(MESSAGES)
    assert len(server.requests) == 1


async def test_the_servers_own_checks_surface_as_request_errors(
    server: AnthropicTestServer,
) -> None:
    async with make_client(server) as client:
        with pytest.raises(ModelRequestError, match="max_tokens"):
            await client.create(MESSAGES, extra_create_args={"max_tokens": None})


async def test_a_wrong_key_is_an_authentication_error_without_the_key() -> None:
    async with AnthropicTestServer(api_key="right") as server:
        async with make_client(server, api_key="sk-ant-wrong-key-123") as client:
            with pytest.raises(ModelAuthenticationError) as caught:
                await client.create(MESSAGES)
    assert "ANTHROPIC_API_KEY" in str(caught.value)
    assert "sk-ant-wrong-key-123" not in str(caught.value)


async def test_unknown_model_and_context_too_long() -> None:
    async with AnthropicTestServer(models=["claude-other"]) as server:
        async with make_client(server) as client:
            with pytest.raises(ModelNotFoundError):
                await client.create(MESSAGES)
    async with AnthropicTestServer(context_window=3) as server:
        async with make_client(server) as client:
            with pytest.raises(ModelContextLengthError, match="prompt is too long"):
                await client.create(MESSAGES)


async def test_rate_limit_is_retried(server: AnthropicTestServer) -> None:
    server.script(Fault.rate_limit(0), "ok")
    async with make_client(server) as client:
        assert (await client.create(MESSAGES)).content == "ok"
    assert len(server.requests) == 2


async def test_a_cut_stream_is_a_stream_error(server: AnthropicTestServer) -> None:
    server.script(Fault.cut_stream(after=3))
    async with make_client(server) as client:
        with pytest.raises(ModelStreamError, match="before it was complete"):
            async for _ in client.create_stream(MESSAGES):
                pass
    await asyncio.sleep(0.05)
    assert server.open_connections == 0


async def test_a_cut_whole_answer_is_a_clear_error(server: AnthropicTestServer) -> None:
    server.script(*[Fault.cut_stream()] * 3)
    async with make_client(server) as client:
        with pytest.raises(ModelConnectionError, match="3 attempts"):
            await client.create(MESSAGES)
    assert len(server.requests) == 3  # a half-sent answer is retried


async def test_an_error_event_mid_stream(server: AnthropicTestServer) -> None:
    event = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    server.script(Fault.malformed(event))
    async with make_client(server) as client:
        with pytest.raises(ModelStreamError, match="overloaded_error: Overloaded"):
            async for _ in client.create_stream(MESSAGES):
                pass


async def test_a_slow_body_hits_the_total_timeout(server: AnthropicTestServer) -> None:
    server.script(Fault.drip(0.05, ScriptedReply("dripping slowly " * 20)))
    async with make_client(server, timeout=0.4, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(ModelTimeoutError, match="timeout="):
            await client.create(MESSAGES)
    assert time.monotonic() - started < 2


async def test_an_endless_stream_hits_stream_timeout(server: AnthropicTestServer) -> None:
    server.script(Fault.endless_stream(0.01))
    async with make_client(server, stream_timeout=0.4) as client:
        with pytest.raises(ModelStreamError, match="stream_timeout"):
            async for _ in client.create_stream(MESSAGES):
                pass


async def test_a_huge_answer_is_refused(server: AnthropicTestServer) -> None:
    server.script(Fault.huge_body(3 * 2**20))
    async with make_client(server, max_response_bytes=2**20) as client:
        with pytest.raises(ModelResponseError, match="max_response_bytes"):
            await client.create(MESSAGES)


async def test_malformed_answers(server: AnthropicTestServer) -> None:
    server.script(Fault.malformed_json(), Fault.malformed({"type": "message", "content": None}))
    async with make_client(server) as client:
        with pytest.raises(ModelResponseError, match="invalid JSON"):
            await client.create(MESSAGES)
        with pytest.raises(ModelResponseError, match="'content' is not a list"):
            await client.create(MESSAGES)


async def test_cancellation_mid_stream_closes_the_connection(server: AnthropicTestServer) -> None:
    server.script(ScriptedReply("a b c d e f g h", chunk_delay=0.05))
    token = CancellationToken()
    seen: list[str | CreateResult] = []

    async def consume() -> None:
        async with make_client(server) as client:
            async for item in client.create_stream(MESSAGES, cancellation_token=token):
                seen.append(item)
                if len(seen) == 2:
                    token.cancel()

    with pytest.raises(asyncio.CancelledError):
        await consume()
    assert len(seen) == 2 and not any(isinstance(s, CreateResult) for s in seen)
    for _ in range(50):
        if server.open_connections == 0:
            break
        await asyncio.sleep(0.02)
    assert server.open_connections == 0
