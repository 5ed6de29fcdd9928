"""The OpenAI client's connection pool: a bounded number of connections, a FIFO queue
behind it, cancellation while queued, and no CA bundle for plain-HTTP endpoints."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

import pytest

from agentparts import CancellationToken
from agentparts.models import UserMessage
from agentparts.models._http._pool import _no_ca_context, tls_may_be_needed
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.testing import OpenAITestServer, RecordedRequest, ScriptedReply

from .conftest import make_client


def ask(text: str) -> list[UserMessage]:
    return [UserMessage(content=text, source="user")]


def slow_echo(delay: float) -> Callable[[RecordedRequest], ScriptedReply]:
    def respond(request: RecordedRequest) -> ScriptedReply:
        return ScriptedReply(request.messages[-1]["content"], delay=delay)

    return respond


async def test_max_connections_bounds_connections_and_requests_in_flight(
    server: OpenAITestServer,
) -> None:
    server.default_reply = slow_echo(0.05)
    # 5 connections take two pools of 3: the client's own queue, not httpx's, holds the 6th.
    client = make_client(server, max_connections=5)
    try:
        results = await asyncio.gather(*(client.create(ask(f"n{i}")) for i in range(12)))
    finally:
        await client.close()
    assert [r.content for r in results] == [f"n{i}" for i in range(12)]
    assert server.peak_requests == 5
    assert server.peak_connections == 5


async def test_queued_calls_are_sent_first_come_first_served(server: OpenAITestServer) -> None:
    server.default_reply = slow_echo(0.02)
    client = make_client(server, max_connections=1)
    try:
        await asyncio.gather(*(client.create(ask(f"n{i}")) for i in range(6)))
    finally:
        await client.close()
    assert [r.messages[-1]["content"] for r in server.requests] == [f"n{i}" for i in range(6)]


async def test_a_call_cancelled_while_queued_is_never_sent_and_frees_its_turn(
    server: OpenAITestServer,
) -> None:
    loop = asyncio.get_running_loop()
    first_arrived = asyncio.Event()

    def respond(request: RecordedRequest) -> ScriptedReply:
        content = request.messages[-1]["content"]
        if content == "first":
            loop.call_soon_threadsafe(first_arrived.set)
        return ScriptedReply(content, delay=0.2)

    server.default_reply = respond
    client = make_client(server, max_connections=1)
    token = CancellationToken()
    try:
        first = asyncio.ensure_future(client.create(ask("first")))
        queued_task = asyncio.ensure_future(client.create(ask("task-cancelled")))
        queued_token = asyncio.ensure_future(
            client.create(ask("token-cancelled"), cancellation_token=token)
        )
        last = asyncio.ensure_future(client.create(ask("last")))
        await first_arrived.wait()  # "first" holds the only connection
        # The other three started before "first" reached the server: they wait in the queue.
        assert len(client._pool._waiters) == 3  # pyright: ignore[reportPrivateUsage]
        queued_task.cancel()
        token.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued_task
        with pytest.raises(asyncio.CancelledError):
            await queued_token
        assert not first.done(), "cancelling queued calls must not wait for the running one"
        assert (await first).content == "first"
        assert (await last).content == "last"
        # Nothing kept the slots of the cancelled calls: the pool serves on.
        again = await asyncio.gather(*(client.create(ask(f"again{i}")) for i in range(3)))
    finally:
        await client.close()
    assert [r.content for r in again] == ["again0", "again1", "again2"]
    sent = [r.messages[-1]["content"] for r in server.requests]
    assert sent == ["first", "last", "again0", "again1", "again2"]


async def test_streams_share_the_bound(server: OpenAITestServer) -> None:
    server.default_reply = slow_echo(0.03)
    client = make_client(server, max_connections=2)

    async def stream(text: str) -> str:
        parts: list[str] = []
        async for item in client.create_stream(ask(text)):
            if isinstance(item, str):
                parts.append(item)
        return "".join(parts)

    try:
        texts = await asyncio.gather(*(stream(f"s{i}") for i in range(6)))
    finally:
        await client.close()
    assert texts == [f"s{i}" for i in range(6)]
    assert server.peak_requests == 2


def test_the_default_is_a_hundred_connections() -> None:
    client = OpenAIChatCompletionClient("gpt-4o", api_key="sk-test")
    assert client.dump_component().config["max_connections"] == 100


@pytest.mark.parametrize(
    ("base_url", "proxy", "expected"),
    [
        ("http://127.0.0.1:8000/v1", None, False),
        ("HTTP://localhost:11434/v1", None, False),
        ("https://api.openai.com/v1", None, True),
        ("http://127.0.0.1:8000/v1", "HTTPS_PROXY", True),
        ("http://127.0.0.1:8000/v1", "all_proxy", True),
    ],
)
def test_tls_is_prepared_only_when_a_request_may_use_it(
    monkeypatch: pytest.MonkeyPatch, base_url: str, proxy: str | None, expected: bool
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    if proxy is not None:
        monkeypatch.setenv(proxy, "https://proxy.invalid:3128")
    assert tls_may_be_needed(base_url) is expected


def test_the_context_without_cas_fails_closed() -> None:
    context = _no_ca_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs() == []
