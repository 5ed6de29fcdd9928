"""A batch of 1,000 one-turn tasks against the local server, local mode or Ray mode.

agentparts: ``agentparts.batch.run_batch_async`` on a saved agent config, results written
to a JSONL file, ``concurrency`` runs in flight. AutoGen (no batch runner): the same done
by hand, a fresh ``AssistantAgent`` loaded from the saved config per task, results
appended to a JSONL file. Raw: one httpx one-turn flow per task, results to JSONL. Ray
mode is agentparts only; ``ray.init()`` happens before the clock starts (its time is in
the info) and peak RSS covers the driver process only.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    API_KEY,
    MODEL,
    SYSTEM,
    TASK,
    NotMeasured,
    metric,
    parse_args,
    peak_rss_mib,
    raw_client,
    raw_one_turn,
    require,
    run,
)

CONCURRENCY = 32


def agent_config(impl: str, base_url: str) -> dict[str, Any]:
    os.environ["OPENAI_API_KEY"] = API_KEY
    if impl == "agentparts":
        openai = require("agentparts.models.openai", "OpenAIChatCompletionClient")
        agents = require("agentparts.agents", "AssistantAgent")
    else:
        openai = require("autogen_ext.models.openai", "OpenAIChatCompletionClient")
        agents = require("autogen_agentchat.agents", "AssistantAgent")
    client = openai.OpenAIChatCompletionClient(model=MODEL, base_url=base_url)
    agent = agents.AssistantAgent("assistant", model_client=client, system_message=SYSTEM)
    return agent.dump_component().model_dump()


async def by_hand(impl: str, base_url: str, count: int, out: Path) -> None:
    """The batch without a batch runner: semaphore, one flow per task, JSONL out."""
    semaphore = asyncio.Semaphore(CONCURRENCY)
    with out.open("a", encoding="utf-8") as sink:
        if impl == "raw":
            http = raw_client(base_url)

            async def one(i: int) -> None:
                async with semaphore:
                    start = time.perf_counter()
                    text = await raw_one_turn(http)
                    record = {"id": str(i), "final_message": text}
                    record["duration"] = time.perf_counter() - start
                    sink.write(json.dumps(record) + "\n")
                    sink.flush()

            try:
                await asyncio.gather(*(one(i) for i in range(count)))
            finally:
                await http.aclose()
            return
        agents = require("autogen_agentchat.agents", "AssistantAgent")
        config = agent_config(impl, base_url)

        async def one_agent(i: int) -> None:
            async with semaphore:
                start = time.perf_counter()
                agent = agents.AssistantAgent.load_component(config)
                result = await agent.run(task=TASK)
                await agent._model_client.close()  # each loaded agent owns its client
                record = {"id": str(i), "final_message": result.messages[-1].content}
                record["stop_reason"] = result.stop_reason
                record["duration"] = time.perf_counter() - start
                sink.write(json.dumps(record) + "\n")
                sink.flush()

        await asyncio.gather(*(one_agent(i) for i in range(count)))


async def measure(impl: str, base_url: str, mode: str, count: int) -> dict[str, Any]:
    info: dict[str, Any] = {"tasks": count, "concurrency": CONCURRENCY}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.jsonl"
        if mode == "ray" and impl == "autogen":
            raise NotMeasured("AutoGen 0.7.5 has no batch runner, so no Ray mode")
        if mode == "ray" and impl == "raw":
            raise NotMeasured("no raw baseline for Ray mode (compare with the local batch)")
        if impl == "agentparts":
            batch = require("agentparts.batch", "run_batch_async", "BatchTask")
            config = agent_config(impl, base_url)
            tasks = [batch.BatchTask(id=str(i), task=TASK) for i in range(count)]
            if mode == "ray":
                import ray

                start = time.perf_counter()
                ray.init(include_dashboard=False, log_to_driver=False)
                info["ray_init_s"] = round(time.perf_counter() - start, 2)
            try:
                start = time.perf_counter()
                report = await batch.run_batch_async(
                    config, tasks, out=out, concurrency=CONCURRENCY, ray=mode == "ray"
                )
                wall = time.perf_counter() - start
            finally:
                if mode == "ray":
                    ray.shutdown()
            assert report.succeeded == count, report
        else:
            start = time.perf_counter()
            await by_hand(impl, base_url, count, out)
            wall = time.perf_counter() - start
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == count, len(lines)
    info["tasks_per_s"] = round(count / wall, 1)
    return {
        "metrics": {
            "wall": metric("ms", [wall * 1000.0]),
            "peak_rss": metric("MiB", [peak_rss_mib()]),
        },
        "info": info,
    }


def main() -> None:
    def extra(parser: Any) -> None:
        parser.add_argument("--mode", choices=("local", "ray"), default="local")
        parser.add_argument("--tasks", type=int, default=1000)

    args = parse_args(__doc__.splitlines()[0], extra)
    run(
        f"batch_{args.mode}",
        args.impl,
        lambda: measure(args.impl, args.base_url, args.mode, args.tasks),
    )


if __name__ == "__main__":
    main()
