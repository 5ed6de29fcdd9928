"""Model client against the local server: one call, 500 concurrent calls, a stream, a tool turn.

``--mode single``: one non-streamed call (ms per call).
``--mode concurrent``: 500 calls at once through one client (wall ms per batch).
``--mode stream``: one streamed 500-word reply (time to first chunk, time per chunk).
``--mode tool``: a tool turn at the client: a call offering the ``add`` tool, the tool
call run, a second call with its result (ms per turn).

The provider scenarios (``anthropic_client.py``, ``azure_client.py``,
``ollama_client.py``) measure their clients with :func:`measure_calls` from here.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from _common import (
    ADD_TOOL_SCHEMA,
    API_KEY,
    LONG_TASK,
    LONG_WORDS,
    MODEL,
    SYSTEM,
    TASK,
    TOOL_TASK,
    NotMeasured,
    add,
    chat_body,
    metric,
    parse_args,
    raw_client,
    raw_tool_turn,
    require,
    run,
    time_async,
)

CONCURRENCY = 500
MODES = ("single", "stream", "tool")
TOOL_ANSWER = "The answer is 3."


class Calls:
    """One implementation's way to make a call, stream a reply and run a tool turn."""

    def __init__(
        self,
        call: Callable[[str], Awaitable[str]],
        stream: Callable[[str], AsyncIterator[str]],
        close: Callable[[], Awaitable[None]],
        tool_turn: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self.call = call
        self.stream = stream
        self.close = close
        self.tool_turn = tool_turn


def framework_modules(impl: str) -> tuple[Any, Any]:
    """The message types and the tools module of agentparts or AutoGen."""
    if impl == "agentparts":
        names = ("SystemMessage", "UserMessage", "AssistantMessage", "FunctionExecutionResult")
        models = require("agentparts.models", *names, "FunctionExecutionResultMessage")
        return models, require("agentparts.tools", "FunctionTool")
    models = require("autogen_core.models", "SystemMessage", "UserMessage", "AssistantMessage")
    return models, require("autogen_core.tools", "FunctionTool")


def framework_calls(client: Any, models: Any, tools: Any = None) -> Calls:
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

    add_tool = tools.FunctionTool(add, description="Add two integers.") if tools else None

    async def tool_turn() -> str:
        history = messages(TOOL_TASK)
        first = await client.create(history, tools=[add_tool])
        calls = first.content
        assert isinstance(calls, list) and calls, first
        results = [
            models.FunctionExecutionResult(
                content=str(add(**json.loads(c.arguments))),
                call_id=c.id,
                name=c.name,
                is_error=False,
            )
            for c in calls
        ]
        history += [
            models.AssistantMessage(content=calls, source="assistant"),
            models.FunctionExecutionResultMessage(content=results),
        ]
        second = await client.create(history, tools=[add_tool])
        assert second.content == TOOL_ANSWER, second
        return second.content

    async def close() -> None:
        await client.close()

    return Calls(call, stream, close, tool_turn if tools else None)


def raw_calls(base_url: str) -> Calls:
    """The same calls with plain httpx: POST, parse the JSON / the SSE lines."""
    client = raw_client(base_url)

    async def call(task: str) -> str:
        response = await client.post("/chat/completions", json=chat_body(task))
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

    async def stream(task: str) -> AsyncIterator[str]:
        async for text in raw_openai_stream(client, "/chat/completions", chat_body(task)):
            yield text

    async def tool_turn() -> str:
        return await raw_tool_turn(client)

    async def close() -> None:
        await client.aclose()

    return Calls(call, stream, close, tool_turn)


async def raw_openai_stream(client: Any, url: str, body: dict[str, Any]) -> AsyncIterator[str]:
    """Stream a Chat Completions request with plain httpx, yielding the text deltas."""
    body = {**body, "stream": True, "stream_options": {"include_usage": True}}
    async with client.stream("POST", url, json=body) as response:
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


def raw_tool_body(tools: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The first request of a tool turn in Chat Completions form (OpenAI's add schema)."""
    return chat_body(TOOL_TASK, tools=tools or [ADD_TOOL_SCHEMA])


def client_calls(impl: str, package: str, name: str, make: Callable[[Any], Any]) -> Calls:
    """The calls of ``impl``'s model client class ``name`` of ``models.<package>``.

    ``make`` builds the client from the class (the same arguments for both frameworks).
    """
    models, tools = framework_modules(impl)
    root = "agentparts.models" if impl == "agentparts" else "autogen_ext.models"
    module = require(f"{root}.{package}", name)
    return framework_calls(make(getattr(module, name)), models, tools)


def make_calls(impl: str, base_url: str) -> Calls:
    if impl == "raw":
        return raw_calls(base_url)
    return client_calls(
        impl,
        "openai",
        "OpenAIChatCompletionClient",
        lambda cls: cls(model=MODEL, base_url=base_url, api_key=API_KEY),
    )


async def measure_stream(calls: Calls, quick: bool) -> dict[str, Any]:
    """Time to first chunk and time per chunk of a 500-word streamed reply."""
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
    return {"first_chunk": metric("ms", first), "per_chunk": metric("us", per_chunk)}


async def measure_calls(calls: Calls, mode: str, quick: bool) -> dict[str, Any]:
    """Measure one of :data:`MODES` (and ``concurrent``) with ``calls``, then close them."""
    info: dict[str, Any] = {}
    try:
        if mode == "single":
            samples = await time_async(
                lambda: calls.call(TASK), iterations=50 if quick else 200, warmup=20
            )
            metrics = {"call": metric("ms", samples)}
        elif mode == "tool":
            turn = calls.tool_turn
            assert turn is not None, "no tool turn for this implementation"
            samples = await time_async(turn, iterations=50 if quick else 200, warmup=20)
            metrics = {"turn": metric("ms", samples)}
        elif mode == "concurrent":

            async def batch() -> None:
                replies = await asyncio.gather(*(calls.call(TASK) for _ in range(CONCURRENCY)))
                assert len(replies) == CONCURRENCY and all(replies)

            samples = await time_async(batch, iterations=1 if quick else 3, warmup=1)
            metrics = {"wall": metric("ms", samples)}
            info["calls_per_s"] = [round(CONCURRENCY * 1000.0 / s) for s in samples]
        else:
            metrics = await measure_stream(calls, quick)
    finally:
        await calls.close()
    return {"metrics": metrics, "info": info}


def provider_main(
    doc: str | None,
    prefix: str,
    make: Callable[[str, str], Calls],
    *,
    modes: tuple[str, ...] = MODES,
    server_env: str = "",
) -> None:
    """A provider scenario's ``main``: measure ``--mode`` with the calls ``make`` returns.

    Args:
        doc: The scenario's docstring (its first line is the ``--help`` text).
        prefix: The scenario name's prefix (``anthropic`` gives ``anthropic_single``...).
        make: ``make(impl, base_url)`` returns the calls to measure.
        modes: The ``--mode`` choices.
        server_env: The environment variable with the URL of the provider's own benchmark
            server; empty to use ``--base-url`` (the OpenAI-protocol server).
    """
    args = parse_args(
        (doc or prefix).splitlines()[0],
        lambda p: p.add_argument("--mode", choices=modes, default="single"),
    )

    async def body() -> dict[str, Any]:
        base_url = os.environ.get(server_env, "") if server_env else args.base_url
        if not base_url:
            raise NotMeasured(f"no {prefix} benchmark server ({server_env} is not set)")
        return await measure_calls(make(args.impl, base_url), args.mode, args.quick)

    run(f"{prefix}_{args.mode}", args.impl, body)


def main() -> None:
    provider_main(__doc__, "model", make_calls, modes=(*MODES, "concurrent"))


if __name__ == "__main__":
    main()
