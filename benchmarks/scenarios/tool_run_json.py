"""``run_json`` of a trivial two-integer ``FunctionTool`` (sync or async function).

The raw baseline validates the same arguments with a Pydantic model, calls the function
(awaits it, for async) and turns the result into a string: what any tool runner must do.
"""

from __future__ import annotations

from typing import Any

from _common import add, add_async, metric, parse_args, require, run, time_async


async def measure(impl: str, fn_kind: str, quick: bool) -> dict[str, Any]:
    fn = add_async if fn_kind == "async" else add
    args = {"a": 1, "b": 2}
    if impl == "raw":
        from pydantic import BaseModel

        class AddArgs(BaseModel):
            a: int
            b: int

        async def once() -> str:
            parsed = AddArgs.model_validate(args)
            if fn_kind == "async":
                value = await add_async(parsed.a, parsed.b)
            else:
                value = add(parsed.a, parsed.b)
            return str(value)

    else:
        if impl == "agentparts":
            tools = require("agentparts.tools", "FunctionTool")
            core = require("agentparts", "CancellationToken")
        else:
            tools = require("autogen_core.tools", "FunctionTool")
            core = require("autogen_core", "CancellationToken")
        tool = tools.FunctionTool(fn, description="Add two integers.")

        async def once() -> str:
            value = await tool.run_json(args, core.CancellationToken())
            text = tool.return_value_as_string(value)
            assert text == "3", text
            return text

    samples = await time_async(once, iterations=500 if quick else 3000, warmup=100)
    return {"run_json": metric("us", [s * 1000.0 for s in samples])}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--fn", choices=("sync", "async"), default="sync"),
    )
    run(f"tool_run_json_{args.fn}", args.impl, lambda: measure(args.impl, args.fn, args.quick))


if __name__ == "__main__":
    main()
