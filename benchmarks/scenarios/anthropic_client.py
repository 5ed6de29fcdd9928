"""Anthropic Messages API client against the local Anthropic server: a call, a stream, a tool turn.

``--mode single``: one non-streamed call (ms per call).
``--mode stream``: one streamed 500-word reply (time to first chunk, time per chunk).
``--mode tool``: a call offering the ``add`` tool, the tool run, a second call with its
``tool_result`` (ms per turn).

The server is the benchmark server with ``--protocol anthropic``; ``run.py`` gives its URL
in ``BENCH_ANTHROPIC_URL``. raw is plain httpx posting to ``/v1/messages`` and reading the
JSON or the SSE events; agentparts and AutoGen use their ``AnthropicChatCompletionClient``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from _common import API_KEY, SYSTEM, TOOL_TASK, add
from model_client import Calls, client_calls, provider_main

MODEL = "claude-sonnet-4-20250514"
MAX_TOKENS = 1024
ADD_TOOL = {
    "name": "add",
    "description": "Add two integers.",
    "input_schema": {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "The first number."},
            "b": {"type": "integer", "description": "The second number."},
        },
        "required": ["a", "b"],
    },
}


def raw_calls(base_url: str) -> Calls:
    """The same calls with plain httpx."""
    import httpx

    headers = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
    client = httpx.AsyncClient(base_url=base_url, headers=headers)

    def body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {
            "model": MODEL,
            "max_tokens": MAX_TOKENS,
            "system": SYSTEM,
            "messages": messages,
            **extra,
        }

    async def text_of(request: dict[str, Any]) -> list[dict[str, Any]]:
        response = await client.post("/v1/messages", json=request)
        response.raise_for_status()
        return response.json()["content"]

    async def call(task: str) -> str:
        blocks = await text_of(body([{"role": "user", "content": task}]))
        return "".join(b["text"] for b in blocks if b["type"] == "text")

    async def stream(task: str) -> AsyncIterator[str]:
        request = body([{"role": "user", "content": task}], stream=True)
        async with client.stream("POST", "/v1/messages", json=request) as response:
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

    async def tool_turn() -> str:
        messages: list[dict[str, Any]] = [{"role": "user", "content": TOOL_TASK}]
        blocks = await text_of(body(messages, tools=[ADD_TOOL]))
        results = [
            {"type": "tool_result", "tool_use_id": b["id"], "content": str(add(**b["input"]))}
            for b in blocks
            if b["type"] == "tool_use"
        ]
        assert results, blocks
        messages += [{"role": "assistant", "content": blocks}, {"role": "user", "content": results}]
        blocks = await text_of(body(messages, tools=[ADD_TOOL]))
        return "".join(b["text"] for b in blocks if b["type"] == "text")

    async def close() -> None:
        await client.aclose()

    return Calls(call, stream, close, tool_turn)


def make_calls(impl: str, base_url: str) -> Calls:
    if impl == "raw":
        return raw_calls(base_url)
    return client_calls(
        impl,
        "anthropic",
        "AnthropicChatCompletionClient",
        lambda cls: cls(model=MODEL, base_url=base_url, api_key=API_KEY, max_tokens=MAX_TOKENS),
    )


def main() -> None:
    provider_main(__doc__, "anthropic", make_calls, server_env="BENCH_ANTHROPIC_URL")


if __name__ == "__main__":
    main()
