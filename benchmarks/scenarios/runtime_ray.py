"""The Ray agent runtime: start-up cost, then RPC round trips to an agent in an actor.

agentparts only (AutoGen's answer to many machines is its own gRPC host, not comparable).
``startup`` is the time from nothing to the first answer: Ray started locally, the
directory actor and the agent's actor created. Then 1,000 RPCs run in batches of 100;
a sample is the time per round trip in a batch. The run fails if an actor is left over.
"""

import time
from dataclasses import dataclass
from typing import Any

from _common import NotMeasured, metric, parse_args, require, run

TOTAL, BATCH = 1000, 100


@dataclass
class Ping:
    n: int


async def measure(impl: str) -> dict[str, Any]:
    if impl != "agentparts":
        raise NotMeasured("agentparts only: AutoGen has no Ray runtime")
    core = require("agentparts", "RoutedAgent")
    ray_runtime = require("agentparts.runtimes.ray", "RayAgentRuntime")

    class Echo(core.RoutedAgent):  # type: ignore[name-defined, misc]
        def __init__(self) -> None:
            super().__init__("echo")

        @core.rpc
        async def on_ping(self, message: Ping, ctx: core.MessageContext) -> Ping:  # type: ignore[name-defined]
            return Ping(message.n + 1)

    started = time.perf_counter()
    runtime = ray_runtime.RayAgentRuntime()
    await Echo.register(runtime, "echo", Echo)
    runtime.start()
    target = core.AgentId("echo", "default")
    await runtime.send_message(Ping(0), target)
    startup = time.perf_counter() - started
    samples: list[float] = []
    for _ in range(TOTAL // BATCH):
        begin = time.perf_counter()
        for i in range(BATCH):
            await runtime.send_message(Ping(i), target)
        samples.append((time.perf_counter() - begin) / BATCH * 1e6)
    left = await runtime.actor_count()
    await runtime.close()
    if left != 1:
        raise AssertionError(f"expected 1 agent actor during the run, saw {left}")
    per_rpc = sorted(samples)[len(samples) // 2]
    return {
        "metrics": {"startup": metric("ms", [startup * 1000.0]), "rpc": metric("us", samples)},
        "info": {"messages_per_s": round(1e6 / per_rpc), "rpcs": TOTAL},
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    run("runtime_ray", args.impl, lambda: measure(args.impl))


if __name__ == "__main__":
    main()
