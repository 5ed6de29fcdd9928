from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from agentparts.testing import (
    Fault,
    OpenAITestServer,
    RecordedRequest,
    ScriptedReply,
    ScriptedToolCall,
)

CHAT = {"model": "m", "messages": [{"role": "user", "content": "ping pong"}]}


def sse_payloads(text: str) -> list[Any]:
    payloads: list[Any] = []
    for line in text.splitlines():
        if line.startswith("data: "):
            data = line[6:]
            payloads.append(data if data == "[DONE]" else json.loads(data))
    return payloads


async def test_scripted_replies_in_order_then_echo() -> None:
    async with (
        OpenAITestServer(["one", ScriptedReply("two")]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        contents = []
        for _ in range(3):
            response = await http.post("/chat/completions", json=CHAT)
            contents.append(response.json()["choices"][0]["message"]["content"])
        assert contents == ["one", "two", "ping pong"]
        assert server.pending == 0


async def test_peaks_count_connections_and_requests_answered_at_once() -> None:
    slow = ScriptedReply("late", delay=0.1)
    async with OpenAITestServer(default_reply=slow) as server:
        limits = httpx.Limits(max_connections=3)
        async with httpx.AsyncClient(base_url=server.base_url, limits=limits) as http:
            responses = await asyncio.gather(
                *(http.post("/chat/completions", json=CHAT) for _ in range(5))
            )
            assert [r.status_code for r in responses] == [200] * 5
            assert (server.peak_requests, server.peak_connections) == (3, 3)
            assert server.open_connections == 3  # kept alive
            server.reset()
            assert (server.peak_requests, server.peak_connections) == (0, 3)
        for _ in range(100):  # the server sees the client's close a moment later
            if server.open_connections == 0:
                break
            await asyncio.sleep(0.01)
        assert server.open_connections == 0


async def test_requests_are_recorded() -> None:
    async with OpenAITestServer() as server, httpx.AsyncClient(base_url=server.base_url) as http:
        await http.post("/chat/completions", json=CHAT, headers={"X-Trace": "t1"})
        request = server.last_request
        assert isinstance(request, RecordedRequest)
        assert request.method == "POST"
        assert request.path == "/v1/chat/completions"
        assert request.headers["x-trace"] == "t1"
        assert request.body == CHAT
        assert request.messages == CHAT["messages"]


async def test_completion_body_has_the_openai_shape() -> None:
    reply = ScriptedReply(
        tool_calls=[ScriptedToolCall("add", {"a": 1}, id="c1")],
        prompt_tokens=3,
        completion_tokens=4,
    )
    async with (
        OpenAITestServer([reply]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        data = (await http.post("/chat/completions", json=CHAT)).json()
    assert data["object"] == "chat.completion"
    choice = data["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"] == [
        {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}
    ]
    assert data["usage"] == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}


async def test_stream_sends_sse_chunks_usage_and_done() -> None:
    async with (
        OpenAITestServer([ScriptedReply("a b", completion_tokens=2)]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
        response = await http.post("/chat/completions", json=body)
    assert response.headers["content-type"] == "text/event-stream"
    payloads = sse_payloads(response.text)
    assert payloads[-1] == "[DONE]"
    deltas = [p["choices"][0]["delta"].get("content") for p in payloads[:-2] if p["choices"]]
    assert "".join(d for d in deltas if d) == "a b"
    assert payloads[-3]["choices"][0]["finish_reason"] == "stop"
    assert payloads[-2]["choices"] == [] and payloads[-2]["usage"]["completion_tokens"] == 2


async def test_stream_without_include_usage_has_no_usage_chunk() -> None:
    async with (
        OpenAITestServer(["x"]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        response = await http.post("/chat/completions", json={**CHAT, "stream": True})
    assert not any(isinstance(p, dict) and "usage" in p for p in sse_payloads(response.text))


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (Fault.rate_limit(retry_after=2), 429, "rate_limit_exceeded"),
        (Fault.server_error(502), 502, None),
        (Fault.unauthorized(), 401, "invalid_api_key"),
        (Fault.model_not_found("m"), 404, "model_not_found"),
        (Fault.context_too_long(), 400, "context_length_exceeded"),
    ],
)
async def test_faults_answer_with_openai_errors(
    fault: Fault, status: int, code: str | None
) -> None:
    async with (
        OpenAITestServer([fault]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        response = await http.post("/chat/completions", json=CHAT)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    if status == 429:
        assert response.headers["retry-after"] == "2"


async def test_malformed_json_fault() -> None:
    async with (
        OpenAITestServer([Fault.malformed_json()]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        response = await http.post("/chat/completions", json=CHAT)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_cut_stream_breaks_the_connection() -> None:
    async with (
        OpenAITestServer([Fault.cut_stream(after=1)]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/chat/completions", json={**CHAT, "stream": True})


async def test_api_key_models_and_context_window_checks() -> None:
    async with (
        OpenAITestServer(api_key="k", models=["m"], context_window=3) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        assert (await http.post("/chat/completions", json=CHAT)).status_code == 401
        auth = {"Authorization": "Bearer k"}
        other = {**CHAT, "model": "x"}
        assert (await http.post("/chat/completions", json=other, headers=auth)).status_code == 404
        assert (await http.post("/chat/completions", json=CHAT, headers=auth)).status_code == 400
        short = {**CHAT, "messages": []}
        assert (await http.post("/chat/completions", json=short, headers=auth)).status_code == 200


async def test_responder_function_computes_replies() -> None:
    def shout(request: RecordedRequest) -> ScriptedReply:
        return ScriptedReply(str(request.messages[-1]["content"]).upper())

    async with (
        OpenAITestServer(default_reply=shout) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        data = (await http.post("/chat/completions", json=CHAT)).json()
    assert data["choices"][0]["message"]["content"] == "PING PONG"


async def test_models_route_and_unknown_route() -> None:
    async with (
        OpenAITestServer(models=["b", "a"]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        models = (await http.get("/models")).json()
        assert [m["id"] for m in models["data"]] == ["a", "b"]
        assert (await http.post("/embeddings", json={})).status_code == 404


async def test_control_api_scripts_and_reads_requests() -> None:
    async with (
        OpenAITestServer() as server,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http,
    ):
        script = [
            "plain",
            {"content": "obj"},
            {"fault": "rate_limit", "retry_after": 0},
            {
                "fault": "slow",
                "seconds": 0,
                "reply": {"content": "late", "tool_calls": [{"name": "f"}]},
            },
        ]
        assert (await http.post("/_control/script", json=script)).json() == {"pending": 4}
        answers = [await http.post("/v1/chat/completions", json=CHAT) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 429, 200]
        assert (
            answers[3].json()["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "f"
        )
        assert answers[1].json()["choices"][0]["message"]["content"] == "obj"
        recorded = (await http.get("/_control/requests")).json()
        assert recorded == [CHAT] * 4
        await http.post("/_control/reset")
        assert server.requests == []


async def test_stop_drops_hanging_connections() -> None:
    server = OpenAITestServer([Fault.hang()])
    await server.start()
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        pending = asyncio.ensure_future(http.post("/chat/completions", json=CHAT))
        await asyncio.sleep(0)
        while not server.requests:  # noqa: ASYNC110 - the server records before it hangs
            await asyncio.sleep(0.005)
        await server.stop()
        with pytest.raises(httpx.RemoteProtocolError):
            await pending


def test_runs_in_a_thread_for_sync_code() -> None:
    with OpenAITestServer(["sync"]) as server:
        response = httpx.post(server.base_url + "/chat/completions", json=CHAT)
        assert response.json()["choices"][0]["message"]["content"] == "sync"


def test_runs_as_its_own_process() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agentparts.testing.openai_server",
            "--port",
            "0",
            "--reply-words",
            "5",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        base_url = line.split()[-1]
        response = httpx.post(base_url + "/chat/completions", json=CHAT, timeout=10)
        assert response.json()["choices"][0]["message"]["content"] == "w0 w1 w2 w3 w4"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


# --- misbehaving servers -----------------------------------------------------------------


async def test_drip_sends_the_headers_at_once_then_one_byte_per_interval() -> None:
    async with (
        OpenAITestServer([Fault.drip(0.01, ScriptedReply("hi"))]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        async with http.stream("POST", "/chat/completions", json=CHAT) as response:
            started = time.monotonic()
            blocks = [block async for block in response.aiter_raw()]
            elapsed = time.monotonic() - started
        body = b"".join(blocks)
        assert json.loads(body)["choices"][0]["message"]["content"] == "hi"
        assert len(blocks) > 0.8 * len(body)  # (nearly) one byte per read
        assert elapsed >= 0.01 * len(body) * 0.9


async def test_drip_applies_to_a_stream_too() -> None:
    async with (
        OpenAITestServer([Fault.drip(0.001, ScriptedReply("a b"))]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        async with http.stream("POST", "/chat/completions", json={**CHAT, "stream": True}) as r:
            blocks = [block async for block in r.aiter_bytes()]
        payloads = sse_payloads(b"".join(blocks).decode())
        assert payloads[-1] == "[DONE]"
        assert max(len(b) for b in blocks) == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_endless_stream_never_ends(stream: bool) -> None:
    async with (
        OpenAITestServer([Fault.endless_stream(0.001)]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        async with http.stream("POST", "/chat/completions", json={**CHAT, "stream": stream}) as r:
            received = b""
            async for block in r.aiter_bytes():
                received += block
                if received.count(b"data:" if stream else b" ") >= 50:
                    break
        if stream:
            assert sse_payloads(received.decode())[0]["choices"][0]["delta"] == {
                "content": "and on "
            }
        else:
            assert received.strip() == b""
        # The server noticed the hang-up and serves the next request.
        assert (await http.post("/chat/completions", json=CHAT)).status_code == 200


async def test_huge_body_is_a_valid_answer_of_the_given_size() -> None:
    size = 3 * 2**20
    async with (
        OpenAITestServer([Fault.huge_body(size), Fault.huge_body(size)]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        response = await http.post("/chat/completions", json=CHAT)
        assert len(response.content) == size
        assert set(response.json()["choices"][0]["message"]["content"]) == {"x"}
        response = await http.post("/chat/completions", json={**CHAT, "stream": True})
        payloads = sse_payloads(response.text)
        assert len(payloads) == 2 and payloads[1] == "[DONE]"
        assert len(payloads[0]["choices"][0]["delta"]["content"]) > size - 300


async def test_huge_body_stops_when_the_client_hangs_up() -> None:
    async with (
        OpenAITestServer([Fault.huge_body(2**40)]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        async with http.stream("POST", "/chat/completions", json=CHAT) as response:
            async for _ in response.aiter_bytes():
                break
        assert (await http.post("/chat/completions", json=CHAT)).status_code == 200


@pytest.mark.parametrize("stream", [False, True])
async def test_malformed_sends_the_completion_as_it_is(stream: bool) -> None:
    broken = {"choices": [{"message": None, "delta": 5}]}
    async with (
        OpenAITestServer([Fault.malformed(broken)]) as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        response = await http.post("/chat/completions", json={**CHAT, "stream": stream})
        assert response.status_code == 200
        if stream:
            assert sse_payloads(response.text) == [broken, "[DONE]"]
        else:
            assert response.json() == broken


async def test_misbehaving_faults_can_be_scripted_over_the_control_api() -> None:
    async with (
        OpenAITestServer() as server,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http,
    ):
        script = [
            {"fault": "malformed", "completion": {"choices": None}},
            {"fault": "huge_body", "size": 1000},
        ]
        assert (await http.post("/_control/script", json=script)).json() == {"pending": 2}
        first = await http.post("/v1/chat/completions", json=CHAT)
        assert first.json() == {"choices": None}
        assert len((await http.post("/v1/chat/completions", json=CHAT)).content) == 1000


async def test_requests_record_when_they_arrived() -> None:
    async with (
        OpenAITestServer() as server,
        httpx.AsyncClient(base_url=server.base_url) as http,
    ):
        before = time.monotonic()
        await http.post("/chat/completions", json=CHAT)
        await asyncio.sleep(0.05)
        await http.post("/chat/completions", json=CHAT)
        first, second = server.requests
        assert before <= first.received_at <= second.received_at - 0.05 <= time.monotonic()
