"""Teams against the local server.

``--mode round_robin``: a fresh ``RoundRobinGroupChat`` of three ``AssistantAgent`` (one
shared model client), ``max_turns=12``, ``run(task=...)`` (ms per run). The raw baseline
sends 12 sequential httpx requests carrying the same growing message list: the speaker's
system message, the task, then every answer so far (the speaker's own as ``assistant``).
``--mode selector``: a ``SelectorGroupChat`` of the same three agents, 6 turns, the
selector a model call on the same server (12 calls; the server's answer names no agent,
so each selection retries and falls back: the raw baseline sends 6 x (3 + 1) requests).
``--mode concurrent``: 100 round-robin teams at once (wall ms, peak RSS MiB).
"""

from __future__ import annotations

import asyncio
from typing import Any

from _common import (
    API_KEY,
    MODEL,
    TASK,
    metric,
    parse_args,
    peak_rss_mib,
    raw_client,
    require,
    run,
    time_async,
)

NAMES = ("planner", "writer", "critic")
TURNS = 12
SELECTOR_TURNS = 6
CONCURRENCY = 100


async def raw_round_robin(http: Any) -> int:
    answers: list[tuple[str, str]] = []
    for turn in range(TURNS):
        speaker = NAMES[turn % len(NAMES)]
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": f"You are the {speaker}."},
            {"role": "user", "content": TASK, "name": "user"},
        ]
        for source, text in answers:
            if source == speaker:
                messages.append({"role": "assistant", "content": text})
            else:
                messages.append({"role": "user", "content": text, "name": source})
        response = await http.post("/chat/completions", json={"model": MODEL, "messages": messages})
        response.raise_for_status()
        answers.append((speaker, response.json()["choices"][0]["message"]["content"]))
    return len(answers)


async def raw_selector(http: Any) -> int:
    answers: list[str] = []
    for turn in range(SELECTOR_TURNS):
        for _ in range(3):  # the selector's attempts
            prompt = "Select the next role.\n" + "\n".join(answers)
            body = {"model": MODEL, "messages": [{"role": "system", "content": prompt}]}
            (await http.post("/chat/completions", json=body)).raise_for_status()
        speaker = NAMES[turn % len(NAMES)]
        messages = [{"role": "system", "content": f"You are the {speaker}."}]
        messages += [{"role": "user", "content": a} for a in [TASK, *answers]]
        response = await http.post("/chat/completions", json={"model": MODEL, "messages": messages})
        response.raise_for_status()
        answers.append(response.json()["choices"][0]["message"]["content"])
    return len(answers)


async def measure(impl: str, base_url: str, quick: bool, mode: str) -> dict[str, Any]:
    if impl == "raw":
        http = raw_client(base_url)

        async def one() -> int:
            if mode == "selector":
                return await raw_selector(http)
            return await raw_round_robin(http)

        async def close() -> None:
            await http.aclose()
    else:
        root = "agentparts" if impl == "agentparts" else None
        if root:
            openai = require("agentparts.models.openai", "OpenAIChatCompletionClient")
            agents = require("agentparts.agents", "AssistantAgent")
            teams = require("agentparts.teams", "RoundRobinGroupChat", "SelectorGroupChat")
        else:
            openai = require("autogen_ext.models.openai", "OpenAIChatCompletionClient")
            agents = require("autogen_agentchat.agents", "AssistantAgent")
            teams = require("autogen_agentchat.teams", "RoundRobinGroupChat", "SelectorGroupChat")
        client = openai.OpenAIChatCompletionClient(model=MODEL, base_url=base_url, api_key=API_KEY)

        async def one() -> int:
            participants = [
                agents.AssistantAgent(n, model_client=client, system_message=f"You are the {n}.")
                for n in NAMES
            ]
            if mode == "selector":
                team = teams.SelectorGroupChat(participants, client, max_turns=SELECTOR_TURNS)
                expected = SELECTOR_TURNS
            else:
                team = teams.RoundRobinGroupChat(participants, max_turns=TURNS)
                expected = TURNS
            result = await team.run(task=TASK)
            replies = [
                m
                for m in result.messages
                if m.source in NAMES and type(m).__name__ == "TextMessage"
            ]
            assert len(replies) == expected, [type(m).__name__ for m in result.messages]
            return len(replies)

        async def close() -> None:
            await client.close()

    try:
        if mode == "concurrent":

            async def batch() -> None:
                done = await asyncio.gather(*(one() for _ in range(CONCURRENCY)))
                assert len(done) == CONCURRENCY

            samples = await time_async(batch, iterations=1 if quick else 3, warmup=1)
            metrics = {"wall": metric("ms", samples), "peak_rss": metric("MiB", [peak_rss_mib()])}
        else:
            samples = await time_async(one, iterations=10 if quick else 40, warmup=3)
            metrics = {"run": metric("ms", samples)}
    finally:
        await close()
    return {"metrics": metrics, "info": {}}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument(
            "--mode", choices=("round_robin", "selector", "concurrent"), default="round_robin"
        ),
    )
    run(
        f"team_{args.mode}",
        args.impl,
        lambda: measure(args.impl, args.base_url, args.quick, args.mode),
    )


if __name__ == "__main__":
    main()
