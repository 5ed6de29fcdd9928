"""Teams against the local server: a 3-agent round robin of 12 model turns.

``--mode round_robin``: a fresh ``RoundRobinGroupChat`` of three ``AssistantAgent`` (one
shared model client), ``max_turns=12``, ``run(task=...)`` (ms per run). The raw baseline
sends 12 sequential httpx requests carrying the same growing message list: the speaker's
system message, the task, then every answer so far (the speaker's own as ``assistant``).
"""

from __future__ import annotations

from typing import Any

from _common import (
    API_KEY,
    MODEL,
    TASK,
    metric,
    parse_args,
    raw_client,
    require,
    run,
    time_async,
)

NAMES = ("planner", "writer", "critic")
TURNS = 12


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


async def measure(impl: str, base_url: str, quick: bool) -> dict[str, Any]:
    if impl == "raw":
        http = raw_client(base_url)

        async def one() -> int:
            return await raw_round_robin(http)

        async def close() -> None:
            await http.aclose()
    else:
        root = "agentparts" if impl == "agentparts" else None
        if root:
            openai = require("agentparts.models.openai", "OpenAIChatCompletionClient")
            agents = require("agentparts.agents", "AssistantAgent")
            teams = require("agentparts.teams", "RoundRobinGroupChat")
        else:
            openai = require("autogen_ext.models.openai", "OpenAIChatCompletionClient")
            agents = require("autogen_agentchat.agents", "AssistantAgent")
            teams = require("autogen_agentchat.teams", "RoundRobinGroupChat")
        client = openai.OpenAIChatCompletionClient(model=MODEL, base_url=base_url, api_key=API_KEY)

        async def one() -> int:
            participants = [
                agents.AssistantAgent(n, model_client=client, system_message=f"You are the {n}.")
                for n in NAMES
            ]
            team = teams.RoundRobinGroupChat(participants, max_turns=TURNS)
            result = await team.run(task=TASK)
            replies = [m for m in result.messages if m.source != "user"]
            assert len(replies) == TURNS, [type(m).__name__ for m in result.messages]
            return len(replies)

        async def close() -> None:
            await client.close()

    try:
        samples = await time_async(one, iterations=10 if quick else 40, warmup=3)
    finally:
        await close()
    return {"metrics": {"run": metric("ms", samples)}, "info": {}}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--mode", choices=("round_robin",), default="round_robin"),
    )
    run(f"team_{args.mode}", args.impl, lambda: measure(args.impl, args.base_url, args.quick))


if __name__ == "__main__":
    main()
