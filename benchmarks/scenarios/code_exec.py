"""Code execution of ``print(1)``: local and sandboxed executors against a bare subprocess.

``--executor local``: ``LocalCommandLineCodeExecutor`` against ``python -c 'print(1)'`` with
the same interpreter (``sys.executable``, which both frameworks' local executors use).
``--executor sandbox``: agentparts' ``SandboxedCodeExecutor`` (bubblewrap) against a bare
``/usr/bin/python3 -c 'print(1)'`` (the interpreter the sandbox runs). AutoGen 0.7.5 only
sandboxes code in Docker, which this machine kind has no engine for: not measured.
``--parallel 8``: 8 executors (or 8 bare subprocess loops) at once; the sample is the
wall time divided by the number of runs (ms per run, so lower is better).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from _common import NotMeasured, metric, parse_args, require, run, time_async

SANDBOX_PYTHON = "/usr/bin/python3"


async def bare(python: str) -> None:
    process = await asyncio.create_subprocess_exec(
        python, "-c", "print(1)", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0 and out.strip() == b"1", out


def executor_class(impl: str, kind: str) -> Any:
    if impl == "agentparts":
        if kind == "local":
            module = require("agentparts.code_executors.local", "LocalCommandLineCodeExecutor")
            return module.LocalCommandLineCodeExecutor
        module = require("agentparts.code_executors.sandbox", "SandboxedCodeExecutor")
        return module.SandboxedCodeExecutor
    if kind == "sandbox":
        raise NotMeasured("AutoGen 0.7.5 sandboxes code only in Docker (no engine on this machine)")
    module = require("autogen_ext.code_executors.local", "LocalCommandLineCodeExecutor")
    return module.LocalCommandLineCodeExecutor


async def measure(impl: str, kind: str, parallel: int, quick: bool) -> dict[str, Any]:
    async with AsyncExitStack() as stack:
        runners: list[Callable[[], Awaitable[None]]] = []
        if impl == "raw":
            python = sys.executable if kind == "local" else SANDBOX_PYTHON
            runners = [lambda: bare(python)] * parallel
        else:
            cls = executor_class(impl, kind)
            if impl == "agentparts":
                blocks_mod = require("agentparts.code_executor", "CodeBlock")
                token_mod = require("agentparts", "CancellationToken")
            else:
                blocks_mod = require("autogen_core.code_executor", "CodeBlock")
                token_mod = require("autogen_core", "CancellationToken")
            blocks = [blocks_mod.CodeBlock(code="print(1)", language="python")]
            for _ in range(parallel):
                work_dir = stack.enter_context(tempfile.TemporaryDirectory())
                executor = cls(work_dir=work_dir, timeout=60)
                await stack.enter_async_context(executor)

                async def one(executor: Any = executor) -> None:
                    result = await executor.execute_code_blocks(
                        blocks, token_mod.CancellationToken()
                    )
                    assert result.exit_code == 0 and result.output.strip() == "1", result

                runners.append(one)
        if parallel == 1:
            samples = await time_async(runners[0], iterations=15 if quick else 60, warmup=3)
            return {"metrics": {"run": metric("ms", samples)}}
        per_runner = 4 if quick else 12

        async def loop(runner: Callable[[], Awaitable[None]]) -> None:
            for _ in range(per_runner):
                await runner()

        await asyncio.gather(*(r() for r in runners))  # warm-up
        samples: list[float] = []
        for _ in range(2 if quick else 3):
            start = time.perf_counter()
            await asyncio.gather(*(loop(r) for r in runners))
            samples.append((time.perf_counter() - start) * 1000.0 / (parallel * per_runner))
        return {
            "metrics": {"per_run": metric("ms", samples)},
            "info": {"runs_per_s": [round(1000.0 / s, 1) for s in samples], "parallel": parallel},
        }


def main() -> None:
    def extra(parser: Any) -> None:
        parser.add_argument("--executor", choices=("local", "sandbox"), default="local")
        parser.add_argument("--parallel", type=int, default=1)

    args = parse_args(__doc__.splitlines()[0], extra)
    name = f"exec_{args.executor}" + (f"_x{args.parallel}" if args.parallel > 1 else "")
    run(name, args.impl, lambda: measure(args.impl, args.executor, args.parallel, args.quick))


if __name__ == "__main__":
    main()
