"""Ollama client against the local Ollama server (``/api/chat``): a call, a stream, a tool turn.

``--mode single``: one non-streamed call (ms per call).
``--mode stream``: one streamed 500-word reply, NDJSON (time to first chunk, time per chunk).
``--mode tool``: a call offering the ``add`` tool, the tool run, a second call with its
result (ms per turn).

The server is the benchmark server with ``--protocol ollama``; ``run.py`` gives its URL in
``BENCH_OLLAMA_URL``. raw is plain httpx posting to ``/api/chat`` and reading the JSON or
the NDJSON lines; agentparts and AutoGen use their ``OllamaChatCompletionClient`` (AutoGen's
is built on the ``ollama`` package).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from _common import ADD_TOOL_SCHEMA, SYSTEM, TOOL_TASK, add
from model_client import Calls, client_calls, provider_main

MODEL = "llama3.2"


def raw_calls(base_url: str) -> Calls:
    """The same calls with plain httpx."""
    import httpx

    client = httpx.AsyncClient(base_url=base_url, timeout=60.0)

    def body(task: str, **extra: Any) -> dict[str, Any]:
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": task}]
        return {"model": MODEL, "messages": messages, "stream": False, **extra}

    async def post(request: dict[str, Any]) -> dict[str, Any]:
        response = await client.post("/api/chat", json=request)
        response.raise_for_status()
        return response.json()["message"]

    async def call(task: str) -> str:
        return (await post(body(task)))["content"]

    async def stream(task: str) -> AsyncIterator[str]:
        request = body(task, stream=True)
        async with client.stream("POST", "/api/chat", json=request) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line:
                    continue
                chunk = json.loads(line)
                text = chunk["message"].get("content")
                if text:
                    yield text
                if chunk.get("done"):
                    break

    async def tool_turn() -> str:
        request = body(TOOL_TASK, tools=[ADD_TOOL_SCHEMA])
        message = await post(request)
        results = [
            {
                "role": "tool",
                "tool_name": c["function"]["name"],
                "content": str(add(**c["function"]["arguments"])),
            }
            for c in message["tool_calls"]
        ]
        request["messages"] = [*request["messages"], message, *results]
        return (await post(request))["content"]

    async def close() -> None:
        await client.aclose()

    return Calls(call, stream, close, tool_turn)


def make_calls(impl: str, base_url: str) -> Calls:
    if impl == "raw":
        return raw_calls(base_url)
    return client_calls(
        impl, "ollama", "OllamaChatCompletionClient", lambda cls: cls(model=MODEL, host=base_url)
    )


def main() -> None:
    provider_main(__doc__, "ollama", make_calls, server_env="BENCH_OLLAMA_URL")


if __name__ == "__main__":
    main()
