"""The agent runtime in one process: RPC round trip, and publish to 10 subscribers.

Both implementations run the same agents through their ``autogen_core`` API
(``SingleThreadedAgentRuntime``, ``RoutedAgent``, ``@rpc``/``@event``, ``TypeSubscription``).
A sample is the time per message over a batch: per RPC round trip between two agents (a
caller agent sends to an echo agent), or per published message until all 10 subscribers
have handled it. There is no raw baseline: a runtime is the thing measured.
"""

# No ``from __future__ import annotations``: the handlers below are defined in a function
# and their type hints (which route messages) must be evaluated where ``core`` is known.
import asyncio
import time
from dataclasses import dataclass
from typing import Any

from _common import NotMeasured, metric, parse_args, require, run

BATCH = {"rpc": 500, "publish10": 100}
SUBSCRIBERS = 10


@dataclass
class Ping:
    n: int


@dataclass
class Go:
    count: int


async def measure(impl: str, mode: str, quick: bool) -> dict[str, Any]:
    if impl == "raw":
        raise NotMeasured("no raw baseline: the runtime is what is measured")
    core = require(
        "agentparts" if impl == "agentparts" else "autogen_core", "SingleThreadedAgentRuntime"
    )
    state: dict[str, Any] = {"handled": 0, "target": 0, "done": None}

    class Echo(core.RoutedAgent):  # type: ignore[name-defined, misc]
        def __init__(self) -> None:
            super().__init__("echo")

        @core.rpc
        async def on_ping(self, message: Ping, ctx: core.MessageContext) -> Ping:  # type: ignore[name-defined]
            return Ping(message.n + 1)

    class Caller(core.RoutedAgent):  # type: ignore[name-defined, misc]
        def __init__(self) -> None:
            super().__init__("caller")

        @core.rpc
        async def on_go(self, message: Go, ctx: core.MessageContext) -> Ping:  # type: ignore[name-defined]
            target = core.AgentId("echo", "default")
            reply = Ping(0)
            for i in range(message.count):
                reply = await self.send_message(Ping(i), target)
            return reply

    class Listener(core.RoutedAgent):  # type: ignore[name-defined, misc]
        def __init__(self) -> None:
            super().__init__("listener")

        @core.event
        async def on_ping(self, message: Ping, ctx: core.MessageContext) -> None:  # type: ignore[name-defined]
            state["handled"] += 1
            if state["handled"] == state["target"]:
                state["done"].set()

    runtime = core.SingleThreadedAgentRuntime()
    await Echo.register(runtime, "echo", Echo)
    await Caller.register(runtime, "caller", Caller)
    for i in range(SUBSCRIBERS):
        await Listener.register(runtime, f"listener{i}", Listener)
        await runtime.add_subscription(core.TypeSubscription("bench", f"listener{i}"))
    runtime.start()
    batch = BATCH[mode]
    topic = core.TopicId("bench", "default")

    async def once() -> float:
        start = time.perf_counter()
        if mode == "rpc":
            await runtime.send_message(Go(batch), core.AgentId("caller", "default"))
        else:
            state["handled"] = 0
            state["target"] = batch * SUBSCRIBERS
            state["done"] = asyncio.Event()
            for i in range(batch):
                await runtime.publish_message(Ping(i), topic)
            await state["done"].wait()
        return (time.perf_counter() - start) / batch * 1e6

    for _ in range(3):  # warm up: agents created, caches filled
        await once()
    samples: list[float] = []
    deadline = time.perf_counter() + (2.0 if quick else 5.0)
    while len(samples) < 3 or (time.perf_counter() < deadline and len(samples) < 200):
        samples.append(await once())
    await runtime.stop_when_idle()
    per_message = sorted(samples)[len(samples) // 2]
    return {
        "metrics": {mode: metric("us", samples)},
        "info": {"messages_per_s": round(1e6 / per_message)},
    }


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--mode", choices=tuple(BATCH), default="rpc"),
    )
    run(f"runtime_{args.mode}", args.impl, lambda: measure(args.impl, args.mode, args.quick))


if __name__ == "__main__":
    main()
