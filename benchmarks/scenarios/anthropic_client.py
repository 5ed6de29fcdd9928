"""Anthropic Messages API client against the local Anthropic server: one call, a stream.

``--mode single``: one non-streamed call (ms per call).
``--mode stream``: one streamed 500-word reply (time to first chunk, time per chunk).

The server is the benchmark server with ``--protocol anthropic``; ``run.py`` gives its URL
in ``BENCH_ANTHROPIC_URL``. raw is plain httpx posting to ``/v1/messages`` and reading the
JSON or the SSE events; agentparts and AutoGen use their ``AnthropicChatCompletionClient``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator
from typing import Any

from _common import (
    API_KEY,
    LONG_TASK,
    LONG_WORDS,
    SYSTEM,
    TASK,
    NotMeasured,
    metric,
    parse_args,
    require,
    run,
    time_async,
)
from model_client import Calls, framework_calls

MODEL = "claude-sonnet-4-20250514"
MAX_TOKENS = 1024


def raw_calls(base_url: str) -> Calls:
    """The same calls with plain httpx."""
    import httpx

    headers = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
    client = httpx.AsyncClient(base_url=base_url, headers=headers)

    def body(task: str, **extra: Any) -> dict[str, Any]:
        messages = [{"role": "user", "content": task}]
        return {
            "model": MODEL,
            "max_tokens": MAX_TOKENS,
            "system": SYSTEM,
            "messages": messages,
            **extra,
        }

    async def call(task: str) -> str:
        response = await client.post("/v1/messages", json=body(task))
        response.raise_for_status()
        blocks = response.json()["content"]
        return "".join(b["text"] for b in blocks if b["type"] == "text")

    async def stream(task: str) -> AsyncIterator[str]:
        async with client.stream("POST", "/v1/messages", json=body(task, stream=True)) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[6:])
                kind = event["type"]
                if kind == "content_block_delta" and event["delta"]["type"] == "text_delta":
                    yield event["delta"]["text"]
                elif kind == "message_stop":
                    break

    async def close() -> None:
        await client.aclose()

    return Calls(call, stream, close)


def make_calls(impl: str, base_url: str) -> Calls:
    if impl == "raw":
        return raw_calls(base_url)
    if impl == "agentparts":
        anthropic = require("agentparts.models.anthropic", "AnthropicChatCompletionClient")
        models = require("agentparts.models", "SystemMessage", "UserMessage")
    else:
        anthropic = require("autogen_ext.models.anthropic", "AnthropicChatCompletionClient")
        models = require("autogen_core.models", "SystemMessage", "UserMessage")
    client = anthropic.AnthropicChatCompletionClient(
        model=MODEL, base_url=base_url, api_key=API_KEY, max_tokens=MAX_TOKENS
    )
    return framework_calls(client, models)


async def measure(impl: str, base_url: str, mode: str, quick: bool) -> dict[str, Any]:
    calls = make_calls(impl, base_url)
    try:
        if mode == "single":
            samples = await time_async(
                lambda: calls.call(TASK), iterations=50 if quick else 200, warmup=20
            )
            return {"metrics": {"call": metric("ms", samples)}}
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
        metrics = {"first_chunk": metric("ms", first), "per_chunk": metric("us", per_chunk)}
        return {"metrics": metrics}
    finally:
        await calls.close()


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--mode", choices=("single", "stream"), default="single"),
    )
    base_url = os.environ.get("BENCH_ANTHROPIC_URL", "")

    async def body() -> dict[str, Any]:
        if not base_url:
            raise NotMeasured("no Anthropic benchmark server (BENCH_ANTHROPIC_URL is not set)")
        return await measure(args.impl, base_url, args.mode, args.quick)

    run(f"anthropic_{args.mode}", args.impl, body)


if __name__ == "__main__":
    main()
