"""Micro scenarios: each hand-written part of agentparts against the library it replaces.

``--what KEY`` picks one comparison; every variant runs in the same process, interleaved
batch by batch, so load on the machine hits them alike. Each variant is one metric (µs or
ms per operation); the report divides agentparts' own by the library's.

- ``ids``: ``new_uuid4()`` vs ``str(uuid.uuid4())``.
- ``construct``: ``construct(TextMessage, ...)`` vs ``TextMessage.model_construct(...)`` vs
  ``TextMessage(...)`` (validation); and a ``ToolCallRequestEvent`` of three function calls,
  built by ``construct`` vs validated.
- ``threads``: a trivial sync function through ``WorkerThreads`` vs
  ``loop.run_in_executor`` on a ``ThreadPoolExecutor``, one call at a time and 8 at once.
- ``pool``: 500 concurrent calls through ``ShardedPool`` (100 connections) vs one
  ``httpx.AsyncClient`` (100 connections), against the benchmark server.
- ``sse``: reading a 500-event stream with ``EventStream`` (deadline and size limits) vs
  ``httpx-sse`` (when installed) vs ``response.aiter_lines()`` and a ``data:`` check.
- ``cancel``: one awaited step under a token-driven cancel scope: agentparts'
  ``CancelScope`` (a step, and a whole block) vs an ``anyio.CancelScope`` cancelled through the loop vs a task per
  step linked to the token (AutoGen's way), vs a bare await.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from _common import (
    API_KEY,
    LONG_TASK,
    LONG_WORDS,
    TASK,
    NotMeasured,
    chat_body,
    has_module,
    metric,
    parse_args,
    run,
)

Metrics = dict[str, Any]  # metric name -> {"unit": ..., "samples": [...]}

WHATS = ("ids", "construct", "threads", "pool", "sse", "cancel")


def interleave_sync(variants: dict[str, Callable[[], object]], batch: int, rounds: int) -> Metrics:
    """µs per call of each variant: ``rounds`` batches of ``batch`` calls, interleaved."""
    for fn in variants.values():  # warm-up
        for _ in range(batch):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            samples[name].append((time.perf_counter() - start) * 1e6 / batch)
    return {name: metric("us", values) for name, values in samples.items()}


async def interleave_async(
    variants: dict[str, Callable[[], Awaitable[object]]], batch: int, rounds: int, unit: str
) -> Metrics:
    """Time per await of each variant (``unit``: us or ms), batches interleaved."""
    scale = 1e6 if unit == "us" else 1e3
    for fn in variants.values():
        for _ in range(min(batch, 20)):
            await fn()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            for _ in range(batch):
                await fn()
            samples[name].append((time.perf_counter() - start) * scale / batch)
    return {name: metric(unit, values) for name, values in samples.items()}


def measure_ids(quick: bool) -> Metrics:
    from agentparts._ids import new_uuid4

    return interleave_sync(
        {"new_uuid4": new_uuid4, "uuid4": lambda: str(uuid.uuid4())},
        batch=2000,
        rounds=10 if quick else 40,
    )


def measure_construct(quick: bool) -> Metrics:
    from agentparts import FunctionCall
    from agentparts._construct import construct
    from agentparts.messages import TextMessage, ToolCallRequestEvent

    calls = [FunctionCall(id=f"call_{i}", name="add", arguments='{"a": 1}') for i in range(3)]
    return interleave_sync(
        {
            "construct": lambda: construct(TextMessage, content="hi", source="user"),
            "model_construct": lambda: TextMessage.model_construct(content="hi", source="user"),
            "validate": lambda: TextMessage(content="hi", source="user"),
            # An event holding three models already built: validation checks each again.
            "construct_calls": lambda: construct(ToolCallRequestEvent, content=calls, source="a"),
            "validate_calls": lambda: ToolCallRequestEvent(content=calls, source="a"),
        },
        batch=500,
        rounds=10 if quick else 40,
    )


def _noop() -> int:
    return 1


async def measure_threads(quick: bool) -> Metrics:
    from agentparts.tools._worker_threads import WorkerThreads

    ours = WorkerThreads(name="bench-tool")
    executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="bench-executor")
    loop = asyncio.get_running_loop()

    async def eight_ours() -> None:
        await asyncio.gather(*(ours.run(_noop) for _ in range(8)))

    async def eight_executor() -> None:
        await asyncio.gather(*(loop.run_in_executor(executor, _noop) for _ in range(8)))

    rounds = 10 if quick else 40
    try:
        one = await interleave_async(
            {
                "worker_threads": lambda: ours.run(_noop),
                "executor": lambda: loop.run_in_executor(executor, _noop),
            },
            batch=200,
            rounds=rounds,
            unit="us",
        )
        eight = await interleave_async(
            {"worker_threads_x8": eight_ours, "executor_x8": eight_executor},
            batch=50,
            rounds=rounds,
            unit="us",
        )
    finally:
        ours.stop()
        executor.shutdown(wait=True)
    return {**one, **eight}


CONCURRENCY = 500
CONNECTIONS = 100


async def measure_pool(base_url: str, quick: bool) -> Metrics:
    import httpx

    from agentparts.models._http._pool import ShardedPool

    if not base_url:
        raise NotMeasured("needs the benchmark server (--base-url)")
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    url = base_url.rstrip("/") + "/chat/completions"
    payload = json.dumps(chat_body(TASK)).encode()
    sharded = ShardedPool(headers, timeout=60.0, max_connections=CONNECTIONS, tls=False)
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    single = httpx.AsyncClient(headers=headers, timeout=60.0, limits=limits)

    async def call_sharded() -> None:
        async with sharded.lease() as http:
            response = await http.post(url, content=payload)
        assert response.status_code == 200, response.status_code

    async def call_single() -> None:
        response = await single.post(url, content=payload)
        assert response.status_code == 200, response.status_code

    def batch(call: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[object]]:
        return lambda: asyncio.gather(*(call() for _ in range(CONCURRENCY)))

    try:
        return await interleave_async(
            {"sharded_pool": batch(call_sharded), "one_httpx_pool": batch(call_single)},
            batch=1,
            rounds=2 if quick else 3,
            unit="ms",
        )
    finally:
        await sharded.aclose()
        await single.aclose()


async def measure_sse(base_url: str, quick: bool) -> Metrics:
    import httpx

    from agentparts.models._http._deadline import Deadline
    from agentparts.models._http._limits import HttpLimits
    from agentparts.models._http._sse import EventStream

    if not base_url:
        raise NotMeasured("needs the benchmark server (--base-url)")
    client = httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60.0
    )
    body = chat_body(LONG_TASK, stream=True)
    limits = HttpLimits()

    async def open_stream() -> httpx.Response:
        request = client.build_request("POST", "/chat/completions", json=body)
        response = await client.send(request, stream=True)
        response.raise_for_status()
        return response

    async def ours() -> None:
        deadline = Deadline(limits.timeout, "timeout")
        stream = EventStream(await open_stream(), deadline, limits, base_url)
        count = 0
        try:
            async for data in stream.data():
                if data == b"[DONE]":
                    break
                json.loads(data)
                count += 1
        finally:
            await stream.aclose()
        assert count >= LONG_WORDS, count

    async def lines() -> None:
        response = await open_stream()
        count = 0
        try:
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].lstrip()
                if data == "[DONE]":
                    break
                json.loads(data)
                count += 1
        finally:
            await response.aclose()
        assert count >= LONG_WORDS, count

    variants: dict[str, Callable[[], Awaitable[object]]] = {"event_stream": ours, "lines": lines}
    if has_module("httpx_sse"):
        import httpx_sse

        async def library() -> None:
            count = 0
            async with httpx_sse.aconnect_sse(
                client, "POST", "/chat/completions", json=body
            ) as source:
                async for event in source.aiter_sse():
                    if event.data == "[DONE]":
                        break
                    json.loads(event.data)
                    count += 1
            assert count >= LONG_WORDS, count

        variants["httpx_sse"] = library
    try:
        result = await interleave_async(variants, batch=3, rounds=5 if quick else 20, unit="ms")
    finally:
        await client.aclose()
    return result


async def _step() -> int:
    return 1


async def measure_cancel(quick: bool) -> Metrics:
    import anyio

    from agentparts import CancellationToken
    from agentparts._cancellation_token import CancelScope

    token = CancellationToken()
    loop = asyncio.get_running_loop()

    async def bare() -> None:
        await _step()

    async def ours() -> None:
        with CancelScope(token) as scope:
            await scope.run(_step())

    async def whole_block() -> None:
        with CancelScope(token, whole_block=True):
            await _step()

    async def with_anyio() -> None:
        with anyio.CancelScope() as scope:

            def handle() -> None:
                loop.call_soon_threadsafe(scope.cancel)

            token.add_callback(handle)
            try:
                await _step()
            finally:
                token._discard_callback(handle)  # pyright: ignore[reportPrivateUsage]

    async def task_per_step() -> None:
        await token.link_future(asyncio.ensure_future(_step()))

    variants: dict[str, Callable[[], Awaitable[object]]] = {
        "cancel_scope": ours,
        "cancel_scope_block": whole_block,
        "anyio_scope": with_anyio,
        "task_per_step": task_per_step,
        "bare_await": bare,
    }
    return await interleave_async(
        variants,
        batch=500,
        rounds=10 if quick else 40,
        unit="us",
    )


def measure(what: str, base_url: str, quick: bool) -> Metrics | Awaitable[Metrics]:
    if what == "ids":
        return measure_ids(quick)
    if what == "construct":
        return measure_construct(quick)
    if what == "threads":
        return measure_threads(quick)
    if what == "pool":
        return measure_pool(base_url, quick)
    if what == "sse":
        return measure_sse(base_url, quick)
    return measure_cancel(quick)


def main() -> None:
    def what_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--what", choices=WHATS, required=True)

    args = parse_args("Micro scenarios: hand-written parts against libraries.", what_option)
    if args.impl != "agentparts":
        run(f"micro_{args.what}", args.impl, _not_measured)
    run(f"micro_{args.what}", args.impl, lambda: measure(args.what, args.base_url, args.quick))


def _not_measured() -> Metrics:
    raise NotMeasured("micro scenarios run every variant in the agentparts process")


if __name__ == "__main__":
    main()
