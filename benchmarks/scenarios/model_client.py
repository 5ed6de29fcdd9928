"""Model client against the local server: one call, 500 concurrent calls, a 500-token stream.

``--mode single``: one non-streamed call (ms per call).
``--mode concurrent``: 500 calls at once through one client (wall ms per batch).
``--mode stream``: one streamed 500-word reply (time to first chunk, time per chunk).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from _common import (
    API_KEY,
    LONG_TASK,
    LONG_WORDS,
    MODEL,
    SYSTEM,
    TASK,
    chat_body,
    metric,
    parse_args,
    raw_client,
    require,
    run,
    time_async,
)

CONCURRENCY = 500


class Calls:
    """One implementation's way to make a call and to stream a reply."""

    def __init__(
        self,
        call: Callable[[str], Awaitable[str]],
        stream: Callable[[str], AsyncIterator[str]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        self.call = call
        self.stream = stream
        self.close = close


def framework_calls(client: Any, models: Any) -> Calls:
    """Calls through a ``ChatCompletionClient`` (agentparts and AutoGen share the API)."""
    system = models.SystemMessage(content=SYSTEM)

    def messages(task: str) -> list[Any]:
        return [system, models.UserMessage(content=task, source="user")]

    stream_kwargs: dict[str, Any] = {}
    if "include_usage" in inspect.signature(client.create_stream).parameters:
        stream_kwargs["include_usage"] = True

    async def call(task: str) -> str:
        result = await client.create(messages(task))
        assert isinstance(result.content, str), result
        return result.content

    async def stream(task: str) -> AsyncIterator[str]:
        async for item in client.create_stream(messages(task), **stream_kwargs):
            if isinstance(item, str):
                yield item

    async def close() -> None:
        await client.close()

    return Calls(call, stream, close)


def raw_calls(base_url: str) -> Calls:
    """The same calls with plain httpx: POST, parse the JSON / the SSE lines."""
    client = raw_client(base_url)

    async def call(task: str) -> str:
        response = await client.post("/chat/completions", json=chat_body(task))
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

    async def stream(task: str) -> AsyncIterator[str]:
        body = chat_body(task, stream=True, stream_options={"include_usage": True})
        async with client.stream("POST", "/chat/completions", json=body) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    break
                chunk = json.loads(data)
                for choice in chunk["choices"]:
                    text = choice["delta"].get("content")
                    if text:
                        yield text

    async def close() -> None:
        await client.aclose()

    return Calls(call, stream, close)


def make_calls(impl: str, base_url: str) -> Calls:
    if impl == "raw":
        return raw_calls(base_url)
    if impl == "agentparts":
        openai = require("agentparts.models.openai", "OpenAIChatCompletionClient")
        models = require("agentparts.models", "SystemMessage", "UserMessage")
    else:
        openai = require("autogen_ext.models.openai", "OpenAIChatCompletionClient")
        models = require("autogen_core.models", "SystemMessage", "UserMessage")
    client = openai.OpenAIChatCompletionClient(model=MODEL, base_url=base_url, api_key=API_KEY)
    return framework_calls(client, models)


async def measure(impl: str, base_url: str, mode: str, quick: bool) -> dict[str, Any]:
    calls = make_calls(impl, base_url)
    info: dict[str, Any] = {}
    try:
        if mode == "single":
            samples = await time_async(
                lambda: calls.call(TASK), iterations=50 if quick else 200, warmup=20
            )
            metrics = {"call": metric("ms", samples)}
        elif mode == "concurrent":

            async def batch() -> None:
                replies = await asyncio.gather(*(calls.call(TASK) for _ in range(CONCURRENCY)))
                assert len(replies) == CONCURRENCY and all(replies)

            samples = await time_async(batch, iterations=1 if quick else 3, warmup=1)
            metrics = {"wall": metric("ms", samples)}
            info["calls_per_s"] = [round(CONCURRENCY * 1000.0 / s) for s in samples]
        else:
            first: list[float] = []
            per_chunk: list[float] = []
            for i in range(3 + (5 if quick else 20)):
                start = time.perf_counter()
                first_at = 0.0
                chunks = 0
                async for _ in calls.stream(LONG_TASK):
                    if chunks == 0:
                        first_at = time.perf_counter()
                    chunks += 1
                end = time.perf_counter()
                assert chunks >= LONG_WORDS, f"only {chunks} chunks"
                if i >= 3:  # warm-up streams are not counted
                    first.append((first_at - start) * 1000.0)
                    per_chunk.append((end - start) * 1e6 / chunks)
            metrics = {
                "first_chunk": metric("ms", first),
                "per_chunk": metric("us", per_chunk),
            }
    finally:
        await calls.close()
    return {"metrics": metrics, "info": info}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument(
            "--mode", choices=("single", "concurrent", "stream"), default="single"
        ),
    )
    run(
        f"model_{args.mode}",
        args.impl,
        lambda: measure(args.impl, args.base_url, args.mode, args.quick),
    )


if __name__ == "__main__":
    main()
