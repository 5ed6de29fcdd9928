"""Shared helpers of the benchmark scenarios (standard library only: they run in every venv).

Every scenario is a script run as ``python benchmarks/scenarios/<name>.py --impl IMPL ...``
in a fresh process. It prints one JSON object on its last stdout line::

    {"scenario": ..., "impl": ..., "status": "ok" | "not_measured", "reason": ...,
     "metrics": {"<metric>": {"unit": "ms", "samples": [...]}}, "info": {...}}

Samples are always "lower is better" (times, bytes); the runner pools the samples of every
round and reports median and p90.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

IMPLS = ("raw", "agentparts", "autogen")
MODEL = "gpt-4o"
API_KEY = "sk-bench-not-a-secret"
SYSTEM = "You are a helpful AI assistant."
TASK = "Say hello."
TOOL_TASK = "What is 1 plus 2? Use the add tool."
LONG_TASK = "BENCH_LONG_REPLY: write 500 words."

# The first word of LONG_TASK tells the benchmark server to answer with 500 words.
LONG_MARKER = "BENCH_LONG_REPLY"
LONG_WORDS = 500


class NotMeasured(Exception):
    """The implementation has no such feature (yet): reported, never faked."""


def parse_args(
    description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None
) -> argparse.Namespace:
    """Common arguments: ``--impl``, ``--base-url``, ``--quick``, ``--workdir``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--impl", choices=IMPLS, required=True)
    parser.add_argument("--base-url", default="", help="the benchmark model server")
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument("--workdir", default="", help="a scratch folder for the scenario")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    if args.quick:
        global BUDGET_SECONDS
        BUDGET_SECONDS = 2.0
    return args


def has_module(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def require(module: str, *names: str) -> Any:
    """Import ``module`` and check it has ``names``; else raise :class:`NotMeasured`."""
    if not has_module(module):
        raise NotMeasured(f"{module} does not exist yet")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise NotMeasured(f"{module} cannot be imported yet: {exc}") from exc
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise NotMeasured(f"{module} has no {', '.join(missing)} yet")
    return mod


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# Measuring stops after this many seconds even if fewer iterations ran (at least 3 do), so
# a slow implementation does not stretch the run; set by --quick (2 s) or left at 5 s.
BUDGET_SECONDS = 5.0


def time_sync(fn: Callable[[], object], iterations: int, warmup: int) -> list[float]:
    """Run ``fn`` ``warmup`` times, then time up to ``iterations`` calls (ms each)."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        end = time.perf_counter()
        samples.append((end - start) * 1000.0)
        if end > deadline and len(samples) >= 3:
            break
    return samples


async def time_async(
    fn: Callable[[], Awaitable[object]], iterations: int, warmup: int
) -> list[float]:
    """Await ``fn()`` ``warmup`` times, then time up to ``iterations`` awaits (ms each)."""
    for _ in range(warmup):
        await fn()
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
    for _ in range(iterations):
        start = time.perf_counter()
        await fn()
        end = time.perf_counter()
        samples.append((end - start) * 1000.0)
        if end > deadline and len(samples) >= 3:
            break
    return samples


def metric(unit: str, samples: list[float]) -> dict[str, Any]:
    """One metric's JSON form."""
    return {"unit": unit, "samples": [round(s, 6) for s in samples]}


def run(
    scenario: str,
    impl: str,
    body: Callable[[], Awaitable[dict[str, Any]] | dict[str, Any]],
) -> None:
    """Run ``body`` (sync or async; returns metrics) and print the result line.

    ``body`` may return ``{"metrics": {...}, "info": {...}}`` or just the metrics dict.
    :class:`NotMeasured` becomes a ``not_measured`` result; any other error an ``error``
    result (exit status 1) so a broken scenario is visible in the table.
    """
    out: dict[str, Any] = {"scenario": scenario, "impl": impl, "status": "ok"}
    code = 0
    try:
        result = body()
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        assert isinstance(result, dict)
        if "metrics" in result:
            out.update(result)
        else:
            out["metrics"] = result
    except NotMeasured as exc:
        out["status"] = "not_measured"
        out["reason"] = str(exc)
    except Exception as exc:
        out["status"] = "error"
        out["reason"] = f"{type(exc).__name__}: {exc}"[:500]
        code = 1
    sys.stdout.flush()
    print(json.dumps(out), flush=True)
    sys.exit(code)


# --- raw HTTP baseline (plain httpx, no framework) ---------------------------------------


def chat_body(task: str, tools: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """The request an agent sends for one turn: system message + user task."""
    body: dict[str, Any] = {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": task},
        ],
    }
    if tools:
        body["tools"] = tools
    body.update(extra)
    return body


ADD_TOOL_SCHEMA: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two integers.",
        "parameters": {
            "type": "object",
            "properties": {
                "a": {"type": "integer", "description": "The first number."},
                "b": {"type": "integer", "description": "The second number."},
            },
            "required": ["a", "b"],
            "additionalProperties": False,
        },
    },
}


def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


async def add_async(a: int, b: int) -> int:
    """Add two integers (async, so frameworks do not hop to a worker thread).

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


def raw_client(base_url: str) -> Any:
    """A plain ``httpx.AsyncClient`` with the bearer key, as a user would write it."""
    import httpx

    return httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60.0
    )


async def raw_one_turn(client: Any, task: str = TASK) -> str:
    """POST one chat completion and return the reply text."""
    response = await client.post("/chat/completions", json=chat_body(task))
    response.raise_for_status()
    return response.json()["choices"][0]["message"]["content"]


async def raw_tool_turn(client: Any) -> str:
    """Model call -> tool call -> tool result -> model call, with plain httpx."""
    body = chat_body(TOOL_TASK, tools=[ADD_TOOL_SCHEMA])
    response = await client.post("/chat/completions", json=body)
    response.raise_for_status()
    message = response.json()["choices"][0]["message"]
    results: list[dict[str, Any]] = []
    for call in message["tool_calls"]:
        args = json.loads(call["function"]["arguments"])
        value = add(**args)
        results.append({"role": "tool", "tool_call_id": call["id"], "content": str(value)})
    body["messages"] = [*body["messages"], message, *results]
    response = await client.post("/chat/completions", json=body)
    response.raise_for_status()
    return response.json()["choices"][0]["message"]["content"]
