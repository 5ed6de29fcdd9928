"""Agents against the local server: one turn, a tool turn, 500 agents at once.

``--mode one_turn``: a fresh ``AssistantAgent`` per run, ``run(task=...)`` (ms per run).
``--mode tool_turn``: model call -> ``add`` tool -> model call (``reflect_on_tool_use``).
``--mode concurrent``: 500 fresh agents run one turn each at once (wall ms, peak RSS MiB).
Every agent shares one model client. The raw baseline sends the same requests with httpx.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from _common import (
    API_KEY,
    MODEL,
    SYSTEM,
    TASK,
    TOOL_TASK,
    add,
    metric,
    parse_args,
    peak_rss_mib,
    raw_client,
    raw_one_turn,
    raw_tool_turn,
    require,
    run,
    time_async,
)

CONCURRENCY = 500


def framework_runner(
    impl: str, base_url: str, mode: str
) -> tuple[Callable[[], Awaitable[str]], Any]:
    if impl == "agentparts":
        openai = require("agentparts.models.openai", "OpenAIChatCompletionClient")
        agents = require("agentparts.agents", "AssistantAgent")
        tools = require("agentparts.tools", "FunctionTool")
    else:
        openai = require("autogen_ext.models.openai", "OpenAIChatCompletionClient")
        agents = require("autogen_agentchat.agents", "AssistantAgent")
        tools = require("autogen_core.tools", "FunctionTool")
    client = openai.OpenAIChatCompletionClient(model=MODEL, base_url=base_url, api_key=API_KEY)
    add_tool = tools.FunctionTool(add, description="Add two integers.")

    async def one() -> str:
        if mode == "tool_turn":
            agent = agents.AssistantAgent(
                "assistant",
                model_client=client,
                tools=[add_tool],
                system_message=SYSTEM,
                reflect_on_tool_use=True,
            )
            result = await agent.run(task=TOOL_TASK)
            # task, tool call request, tool execution, final reply
            assert len(result.messages) == 4, [type(m).__name__ for m in result.messages]
        else:
            agent = agents.AssistantAgent("assistant", model_client=client, system_message=SYSTEM)
            result = await agent.run(task=TASK)
        text = result.messages[-1].content
        assert isinstance(text, str) and text, result
        return text

    return one, client


async def measure(impl: str, base_url: str, mode: str, quick: bool) -> dict[str, Any]:
    if impl == "raw":
        http = raw_client(base_url)

        async def one() -> str:
            if mode == "tool_turn":
                return await raw_tool_turn(http)
            return await raw_one_turn(http)

        async def close() -> None:
            await http.aclose()
    else:
        one, client = framework_runner(impl, base_url, mode)

        async def close() -> None:
            await client.close()

    info: dict[str, Any] = {}
    try:
        if mode == "concurrent":

            async def batch() -> None:
                replies = await asyncio.gather(*(one() for _ in range(CONCURRENCY)))
                assert len(replies) == CONCURRENCY

            samples = await time_async(batch, iterations=1 if quick else 2, warmup=1)
            metrics = {
                "wall": metric("ms", samples),
                "peak_rss": metric("MiB", [peak_rss_mib()]),
            }
            info["runs_per_s"] = [round(CONCURRENCY * 1000.0 / s) for s in samples]
        else:
            samples = await time_async(one, iterations=40 if quick else 150, warmup=10)
            metrics = {"run": metric("ms", samples)}
    finally:
        await close()
    return {"metrics": metrics, "info": info}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument(
            "--mode", choices=("one_turn", "tool_turn", "concurrent"), default="one_turn"
        ),
    )
    run(
        f"agent_{args.mode}",
        args.impl,
        lambda: measure(args.impl, args.base_url, args.mode, args.quick),
    )


if __name__ == "__main__":
    main()
