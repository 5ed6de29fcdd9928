"""The OpenAI client against hostile or broken servers on 127.0.0.1 (issue 18, model client).

Every server here is the real test server of ``agentparts.testing`` misbehaving on purpose:
dripping its answer a byte at a time, streaming forever, sending a body of hundreds of
megabytes, or answering with malformed choices.
"""

from __future__ import annotations

import asyncio
import math
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest

from agentparts import ComponentLoader
from agentparts.errors import (
    ComponentLoadError,
    ModelAuthenticationError,
    ModelResponseError,
    ModelServerError,
    ModelStreamError,
    ModelTimeoutError,
)
from agentparts.models import ModelInfo, UserMessage
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.testing import Fault, OpenAITestServer, ScriptedReply

INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=True,
    family="unknown",
    structured_output=True,
)
MESSAGES = [UserMessage(content="hello", source="user")]


def make_client(server: OpenAITestServer, **kwargs: Any) -> OpenAIChatCompletionClient:
    options: dict[str, Any] = {
        "base_url": server.base_url,
        "model_info": INFO,
        "max_retries": 0,
        "retry_initial_delay": 0.001,
    }
    options.update(kwargs)
    return OpenAIChatCompletionClient("test-model", **options)


async def drain(client: OpenAIChatCompletionClient) -> list[Any]:
    return [item async for item in client.create_stream(MESSAGES)]


async def collect_into(client: OpenAIChatCompletionClient, chunks: list[Any]) -> None:
    async for chunk in client.create_stream(MESSAGES):
        chunks.append(chunk)


# --- deadlines ---------------------------------------------------------------------------


async def test_a_dripped_body_ends_at_the_request_timeout() -> None:
    # One byte every 20 ms: no single read waits long, so a per-read timeout never fires
    # and the whole answer (about 300 bytes) would take 6 s.
    async with OpenAITestServer([Fault.drip(0.02)]) as server:
        client = make_client(server, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ModelTimeoutError, match=r"within 0\.5 s \(timeout=") as info:
            await asyncio.wait_for(client.create(MESSAGES), 20)
        assert time.monotonic() - started < 1.5
        assert "1 attempt, max_retries=0" in str(info.value)
        await client.close()


async def test_a_dripped_body_is_retried_and_each_attempt_is_bounded() -> None:
    async with OpenAITestServer([Fault.drip(0.02), Fault.drip(0.02)]) as server:
        client = make_client(server, timeout=0.4, max_retries=1)
        started = time.monotonic()
        with pytest.raises(ModelTimeoutError, match=r"2 attempts"):
            await asyncio.wait_for(client.create(MESSAGES), 20)
        assert time.monotonic() - started < 2.0
        assert len(server.requests) == 2
        await client.close()


async def test_a_dripped_stream_ends_at_the_idle_timeout() -> None:
    # Only timeout= is set (as an old config would): the idle limit follows it.
    async with OpenAITestServer([Fault.drip(0.02)]) as server:
        client = make_client(server, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ModelStreamError, match=r"no event for 0\.5 s \(stream_idle_timeout\)"):
            await asyncio.wait_for(drain(client), 30)
        assert time.monotonic() - started < 1.5
        await client.close()


async def test_an_endless_stream_ends_at_the_stream_timeout() -> None:
    async with OpenAITestServer([Fault.endless_stream(0.01)]) as server:
        client = make_client(server, stream_timeout=1.0)
        chunks: list[Any] = []
        started = time.monotonic()
        with pytest.raises(ModelStreamError, match=r"did not end within 1 s \(stream_timeout"):
            await asyncio.wait_for(collect_into(client, chunks), 20)
        elapsed = time.monotonic() - started
        assert 0.9 < elapsed < 2.5
        assert len(chunks) > 10  # events did arrive all along: only the total limit ends it
        await client.close()


async def test_an_endless_plain_body_ends_at_the_request_timeout() -> None:
    async with OpenAITestServer([Fault.endless_stream(0.01)]) as server:
        client = make_client(server, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ModelTimeoutError, match="timeout="):
            await asyncio.wait_for(client.create(MESSAGES), 20)
        assert time.monotonic() - started < 1.5
        await client.close()


async def test_the_callers_time_between_chunks_is_not_idle_time() -> None:
    async with OpenAITestServer([ScriptedReply("a b c d")]) as server:
        client = make_client(server, stream_idle_timeout=0.2)
        chunks: list[Any] = []
        async for chunk in client.create_stream(MESSAGES):
            chunks.append(chunk)
            await asyncio.sleep(0.3)  # the caller is slow, the server is not
        assert [c for c in chunks if isinstance(c, str)] == ["a ", "b ", "c ", "d"]
        await client.close()


async def test_a_stream_past_its_total_limit_never_cancels_the_callers_code() -> None:
    # The limit passes while the caller holds the stream (sleeping between chunks): the
    # next read raises the stream error; the caller's own sleep is never cancelled.
    async with OpenAITestServer([ScriptedReply("a b c d e f g h")]) as server:
        client = make_client(server, stream_timeout=0.3)
        chunks: list[Any] = []

        async def slow_reader() -> None:
            async for chunk in client.create_stream(MESSAGES):
                chunks.append(chunk)
                await asyncio.sleep(0.2)

        with pytest.raises(ModelStreamError, match=r"within 0\.3 s \(stream_timeout"):
            await slow_reader()
        assert 1 <= len(chunks) <= 3
        await client.close()


# --- size caps ---------------------------------------------------------------------------

_HUGE_CLIENT = textwrap.dedent(
    """
    import asyncio, sys
    from agentparts.models import ModelInfo, UserMessage
    from agentparts.models.openai import OpenAIChatCompletionClient

    async def main() -> str:
        info = ModelInfo(vision=False, function_calling=False, json_output=False,
                         family="unknown", structured_output=False)
        client = OpenAIChatCompletionClient(
            "m", base_url=sys.argv[1], model_info=info, max_retries=0, timeout=120)
        try:
            result = await client.create([UserMessage(content="hi", source="user")])
            return f"answer of {len(result.content)} characters"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        finally:
            await client.close()

    def peak_mib() -> int:
        # VmHWM belongs to this process's memory map only (ru_maxrss can carry the
        # parent's peak over fork and exec).
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) // 1024

    before = peak_mib()
    outcome = asyncio.run(main())
    print(before, peak_mib())
    print(outcome)
    """
)


def test_a_huge_body_stops_at_the_cap_without_big_memory_growth() -> None:
    # 300 MB: read whole (as before), the client peaked near 1 GB. With the default
    # max_response_bytes (32 MiB) it stops reading there.
    with OpenAITestServer([Fault.huge_body(300 * 2**20)]) as server:
        done = subprocess.run(
            [sys.executable, "-c", _HUGE_CLIENT, server.base_url],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    peaks, outcome = done.stdout.strip().splitlines()
    before, peak = (int(mib) for mib in peaks.split())
    # About 55 -> 80 MiB here; the old client peaked at 1.18 GiB.
    assert peak < 200, f"peak RSS {before} -> {peak} MiB ({outcome})"
    assert outcome.startswith("ModelResponseError: The answer from"), outcome
    assert "max_response_bytes=33554432 bytes (32 MiB)" in outcome


async def test_a_declared_length_over_the_cap_is_refused_unread() -> None:
    body = b'{"choices": [], "pad": "' + b"x" * 5000 + b'"}'
    async with OpenAITestServer([Fault(200, body=body)]) as server:
        client = make_client(server, max_response_bytes=1024)
        with pytest.raises(
            ModelResponseError,
            match=r"5026 bytes declared.*max_response_bytes=1024 bytes \(1 KiB\); it was not read",
        ):
            await client.create(MESSAGES)
        await client.close()


async def test_a_huge_stream_event_stops_at_the_line_cap() -> None:
    async with OpenAITestServer([Fault.huge_body(64 * 2**20)]) as server:
        client = make_client(server, max_event_bytes=2**20)
        started = time.monotonic()
        with pytest.raises(ModelResponseError, match=r"A line of the stream .*max_event_bytes="):
            await drain(client)
        assert time.monotonic() - started < 5
        await client.close()


async def test_an_endless_stream_stops_at_the_response_cap() -> None:
    async with OpenAITestServer([Fault.endless_stream(0.0)]) as server:
        client = make_client(server, max_response_bytes=100_000)
        with pytest.raises(ModelResponseError, match=r"The stream .*max_response_bytes=100000"):
            await asyncio.wait_for(drain(client), 20)
        await client.close()


@pytest.mark.parametrize(
    ("words", "count"), [(2_000, "(21999 characters in all)"), (100_000, "(more than 65536)")]
)
async def test_a_long_server_error_is_cut_in_the_exception(words: int, count: str) -> None:
    async with OpenAITestServer([Fault(500, "overloaded " * words)]) as server:
        client = make_client(server)
        with pytest.raises(ModelServerError) as info:
            await client.create(MESSAGES)
        message = str(info.value)
        assert len(message) < 800
        assert count in message
        assert "kept failing: overloaded overloaded" in message or words > 5000
        await client.close()


# --- malformed answers -------------------------------------------------------------------

MALFORMED_COMPLETIONS = [
    ({"choices": [{"message": None}]}, "choices[0].message is null, not an object"),
    ({"id": "x"}, "no 'choices', not a list"),
    ({"choices": []}, "'choices' is an empty list"),
    ({"choices": "none"}, "'choices' is a string"),
    ({"choices": [7]}, "choices[0] is a number, not an object"),
    ({"choices": [{"message": "hi"}]}, "choices[0].message is a string"),
    ({"choices": [{"message": {"content": 5}}]}, "message.content is a number"),
    ({"choices": [{"message": {"content": [1]}}]}, "message.content holds a number"),
    ({"choices": [{"message": {"tool_calls": "x"}}]}, "message.tool_calls is a string"),
    ({"choices": [{"message": {"tool_calls": [3]}}]}, "message.tool_calls[0] is a number"),
    (
        {"choices": [{"message": {"tool_calls": [{"function": None}]}}]},
        "message.tool_calls[0].function is null",
    ),
    (
        {"choices": [{"message": {"tool_calls": [{"function": {"name": ["f"]}}]}}]},
        "message.tool_calls[0].function.name is a list",
    ),
    ({"choices": [{"message": {}, "finish_reason": ["stop"]}]}, "finish_reason is a list"),
    (
        {"choices": [{"message": {}}], "usage": {"prompt_tokens": "many"}},
        "usage.prompt_tokens is 'many'",
    ),
    (
        {"choices": [{"message": {}, "logprobs": {"content": [{"token": 1}]}}]},
        "logprobs do not have the expected fields",
    ),
]


@pytest.mark.parametrize(("completion", "problem"), MALFORMED_COMPLETIONS)
async def test_a_malformed_completion_says_what_is_wrong(completion: Any, problem: str) -> None:
    async with OpenAITestServer([Fault.malformed(completion)]) as server:
        client = make_client(server)
        with pytest.raises(ModelResponseError) as info:
            await client.create(MESSAGES)
        assert problem in str(info.value)
        assert server.base_url in str(info.value)
        await client.close()


MALFORMED_CHUNKS = [
    ({"choices": "abc"}, "'choices' is a string"),
    ({"choices": [5]}, "choices[0] is a number"),
    ({"choices": [{"delta": "text"}]}, "choices[0].delta is a string"),
    ({"choices": [{"delta": {"content": 5}}]}, "delta.content is a number"),
    ({"choices": [{"delta": {"reasoning_content": [1]}}]}, "delta.reasoning_content is a list"),
    ({"choices": [{"delta": {"tool_calls": "x"}}]}, "delta.tool_calls is a string"),
    ({"choices": [{"delta": {"tool_calls": [{}, 1]}}]}, "delta.tool_calls[1] is a number"),
    ({"choices": [{"delta": {"tool_calls": [{"index": "a"}]}}]}, "index is 'a', not a number"),
    (
        {"choices": [{"delta": {"tool_calls": [{"function": "f"}]}}]},
        "delta.tool_calls[0].function is a string",
    ),
    (
        {"choices": [{"delta": {"tool_calls": [{"function": {"name": 5}}]}}]},
        "delta.tool_calls[0].function.name is a number",
    ),
    ({"choices": [{"delta": {}, "finish_reason": 3}]}, "finish_reason is a number"),
    ({"choices": [], "usage": {"completion_tokens": -1}}, "usage.completion_tokens is -1"),
]


@pytest.mark.parametrize(("chunk", "problem"), MALFORMED_CHUNKS)
async def test_a_malformed_stream_chunk_says_what_is_wrong(chunk: Any, problem: str) -> None:
    async with OpenAITestServer([Fault.malformed(chunk)]) as server:
        client = make_client(server)
        with pytest.raises(ModelResponseError) as info:
            await drain(client)
        assert problem in str(info.value)
        assert "stream chunk (number 1)" in str(info.value)
        await client.close()


# --- non-finite numbers ------------------------------------------------------------------

NON_FINITE = [float("nan"), float("inf"), -float("inf")]
FLOAT_FIELDS = ["temperature", "top_p", "frequency_penalty", "presence_penalty"]


@pytest.mark.parametrize("value", NON_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("field", FLOAT_FIELDS)
def test_a_non_finite_create_arg_is_refused_when_the_client_is_built(
    field: str, value: float
) -> None:
    with pytest.raises(ValueError, match=rf"{field}=-?(nan|inf) in the client's arguments"):
        OpenAIChatCompletionClient(
            "m", base_url="http://127.0.0.1:9/v1", model_info=INFO, **{field: value}
        )


@pytest.mark.parametrize(
    "extra",
    [
        {"temperature": float("nan")},
        {"top_p": float("inf")},
        {"logit_bias": {"42": float("-inf")}},
        {"metadata": [1.0, {"score": float("nan")}]},
    ],
)
async def test_non_finite_extra_create_args_are_refused_and_nothing_is_sent(
    extra: dict[str, Any],
) -> None:
    async with OpenAITestServer() as server:
        client = make_client(server)
        with pytest.raises(ValueError, match="in extra_create_args is not a finite number"):
            await client.create(MESSAGES, extra_create_args=extra)
        with pytest.raises(ValueError, match="in extra_create_args is not a finite number"):
            await drain_with(client, extra)
        assert server.requests == []
        assert (await client.create(MESSAGES)).content == "hello"  # still usable
        await client.close()


async def drain_with(client: OpenAIChatCompletionClient, extra: dict[str, Any]) -> None:
    async for _ in client.create_stream(MESSAGES, extra_create_args=extra):
        pass


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timeout", math.nan),
        ("timeout", 0),
        ("stream_timeout", math.inf),
        ("stream_idle_timeout", -1.0),
        ("max_response_bytes", 0),
    ],
)
def test_limits_must_be_finite_positive_numbers(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"{field}=.* is not a finite positive number"):
        OpenAIChatCompletionClient(
            "m", base_url="http://127.0.0.1:9/v1", model_info=INFO, **{field: value}
        )


def test_a_config_with_nan_does_not_load() -> None:
    config = {
        "provider": "agentparts.models.openai.OpenAIChatCompletionClient",
        "config": {
            "model": "m",
            "base_url": "http://127.0.0.1:9/v1",
            "model_info": dict(INFO),
            "temperature": float("nan"),
        },
    }
    with pytest.raises(ComponentLoadError, match="temperature"):
        ComponentLoader.load_component(config)


# --- redaction ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["sk-live-0123456789abcdef", "AbCdEfGh12345678zz"])
async def test_a_real_key_is_hidden_and_a_short_one_garbles_nothing(key: str) -> None:
    async with OpenAITestServer(api_key="the-right-key-123") as server:
        client = make_client(server, api_key=key)
        with pytest.raises(ModelAuthenticationError) as info:
            await client.create(MESSAGES)
        message = str(info.value)
        assert key not in message
        assert key[:12] not in message
        assert "Incorrect API key provided: ***." in message
        await client.close()
        # A one-letter "key" is no secret: replacing every "k" garbled the message.
        client = make_client(server, api_key="k")
        with pytest.raises(ModelAuthenticationError) as info:
            await client.create(MESSAGES)
        message = str(info.value)
        assert "Incorrect API key provided: k. invalid_api_key." in message
        assert "***" not in message
        await client.close()


async def test_a_key_echoed_inside_a_stream_error_is_hidden() -> None:
    key = "AbCdEfGh12345678zz"
    error = {"error": {"message": f"quota exceeded for key {key}"}}
    async with OpenAITestServer([Fault.malformed(error)]) as server:
        client = make_client(server, api_key=key)
        with pytest.raises(ModelStreamError) as info:
            await drain(client)
        assert key not in str(info.value)
        assert "quota exceeded for key ***" in str(info.value)
        await client.close()


async def test_a_stream_read_on_in_another_task_is_still_bounded() -> None:
    # The stream is opened in one task and read on in another: the deadline follows the
    # reader and cancels nothing else.
    async with OpenAITestServer([Fault.endless_stream(3.0)]) as server:
        client = make_client(server, timeout=0.4)
        stream = client.create_stream(MESSAGES)
        first = await asyncio.create_task(anext_of(stream))  # at once, then 3 s of nothing
        assert first == "and on "
        started = time.monotonic()
        with pytest.raises(ModelStreamError, match="stream_idle_timeout"):
            await asyncio.wait_for(asyncio.create_task(drain_rest(stream)), 30)
        assert time.monotonic() - started < 1.5
        await client.close()


async def anext_of(stream: Any) -> Any:
    return await stream.__anext__()


async def drain_rest(stream: Any) -> None:
    async for _ in stream:
        pass
