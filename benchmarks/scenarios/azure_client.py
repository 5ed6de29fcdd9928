"""Azure OpenAI client against the local server's Azure routes: a call, a stream, a tool turn.

``--mode single``: one non-streamed call (ms per call).
``--mode stream``: one streamed 500-word reply (time to first chunk, time per chunk).
``--mode tool``: a call offering the ``add`` tool, the tool run, a second call with its
result (ms per turn).

The server is the benchmark's OpenAI-compatible server, which also serves Azure's
``/openai/deployments/NAME/chat/completions?api-version=...`` routes. raw is plain httpx
posting there with the ``api-key`` header; agentparts and AutoGen use their
``AzureOpenAIChatCompletionClient``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from _common import API_KEY, MODEL, add, chat_body
from model_client import (
    Calls,
    client_calls,
    provider_main,
    raw_openai_stream,
    raw_tool_body,
)

DEPLOYMENT = "gpt-4o-bench"
API_VERSION = "2024-10-21"


def endpoint_of(base_url: str) -> str:
    """The Azure endpoint of the benchmark server (its root, without ``/v1``)."""
    return base_url.removesuffix("/").removesuffix("/v1")


def raw_calls(base_url: str) -> Calls:
    """The same calls with plain httpx on Azure's deployment route."""
    import httpx

    client = httpx.AsyncClient(
        base_url=f"{endpoint_of(base_url)}/openai/deployments/{DEPLOYMENT}",
        headers={"api-key": API_KEY},
        params={"api-version": API_VERSION},
        timeout=60.0,
    )

    async def post(body: dict[str, Any]) -> dict[str, Any]:
        response = await client.post("/chat/completions", json=body)
        response.raise_for_status()
        return response.json()["choices"][0]["message"]

    async def call(task: str) -> str:
        return (await post(chat_body(task)))["content"]

    async def stream(task: str) -> AsyncIterator[str]:
        async for text in raw_openai_stream(client, "/chat/completions", chat_body(task)):
            yield text

    async def tool_turn() -> str:
        body = raw_tool_body()
        message = await post(body)
        results = [
            {
                "role": "tool",
                "tool_call_id": c["id"],
                "content": str(add(**json.loads(c["function"]["arguments"]))),
            }
            for c in message["tool_calls"]
        ]
        body["messages"] = [*body["messages"], message, *results]
        return (await post(body))["content"]

    async def close() -> None:
        await client.aclose()

    return Calls(call, stream, close, tool_turn)


def make_calls(impl: str, base_url: str) -> Calls:
    if impl == "raw":
        return raw_calls(base_url)
    return client_calls(
        impl,
        "openai",
        "AzureOpenAIChatCompletionClient",
        lambda cls: cls(
            model=MODEL,
            azure_endpoint=endpoint_of(base_url),
            azure_deployment=DEPLOYMENT,
            api_version=API_VERSION,
            api_key=API_KEY,
        ),
    )


def main() -> None:
    provider_main(__doc__, "azure", make_calls)


if __name__ == "__main__":
    main()
