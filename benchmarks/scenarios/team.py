"""Teams against the local server.

``--mode round_robin``: a fresh ``RoundRobinGroupChat`` of three ``AssistantAgent`` (one
shared model client), ``max_turns=12``, ``run(task=...)`` (ms per run). The raw baseline
sends 12 sequential httpx requests carrying the same growing message list: the speaker's
system message, the task, then every answer so far (the speaker's own as ``assistant``).
``--mode selector``: a ``SelectorGroupChat`` of three agents, 6 turns, the selector a model
call on the same server with the default selector prompt (12 calls). The server always
answers "Hello! How can I help you today?", which names exactly one participant (the agent
called ``Hello``; ``allow_repeated_speaker=True``), so every selection is valid at the
first attempt: the normal path. The raw baseline sends, per turn, the selector prompt
(roles, candidates, history) and then the speaker's request.
``--mode selector_retry``: the same with agents the answer does not name: each selection
makes 3 attempts and falls back (the raw baseline sends 6 x (3 + 1) requests).
Runs report wall ms per run (``run``) and the client process's CPU ms per run (``cpu``).
``--mode concurrent``: 100 round-robin teams at once (wall ms, peak RSS MiB).
``--mode roundtrip``: ``dump_component()`` -> dict -> ``load_component`` of a 3-agent
``RoundRobinGroupChat`` (OpenAI client, ``MaxMessageTermination | TextMentionTermination``);
the raw baseline is the same shape as plain Pydantic models.
``--mode cancel_latency``: a fresh ``RoundRobinGroupChat`` of two agents runs ``run_stream`` with a
``CancellationToken`` on a task the server stalls on (it answers after 60 s); once the first
agent's model request is under way (its ``create`` was called, then 20 ms), the token is
cancelled. ``cancel`` is the time from ``token.cancel()`` to the end of ``run_stream`` (ms);
``tasks_left`` (info) counts the event loop's tasks still running at that moment. The raw
baseline cancels an ``asyncio`` task awaiting the same request with plain httpx.
``--mode magentic_one``: ``MagenticOneGroupChat([assistant], client, max_turns=5)`` with a
model the frameworks know nothing about (no JSON mode, no structured output: what a local
model gives), ``run_stream(task=...)``; the server answers every progress ledger with JSON
in a Markdown fence (see benchmarks/server.py). ``first_request``: from the call of
``run_stream`` to the orchestrator's first ``create`` on its model client (ms);
``first_speaker``: to the assistant's first message, i.e. facts, plan and a fenced ledger
read and acted on; ``run``: the whole run (6 model calls: facts, plan, ledger, the
assistant, ledger, final answer). agentparts and AutoGen only (no raw baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import warnings
from typing import Any

from _common import (
    API_KEY,
    MODEL,
    TASK,
    NotMeasured,
    metric,
    parse_args,
    peak_rss_mib,
    raw_client,
    require,
    run,
    time_async,
    time_sync,
)

NAMES = ("planner", "writer", "critic")
SELECTOR_NAMES = ("Hello", "writer", "critic")
SELECTED = "Hello"  # the one participant the server's fixed answer names
TURNS = 12
SELECTOR_TURNS = 6
CONCURRENCY = 100
DESCRIPTION = "An agent that provides assistance with ability to use tools."
SELECTOR_PROMPT = """You are in a role play game. The following roles are available:
{roles}.
Read the following conversation. Then select the next role from {participants} to play. Only return the role.

{history}

Read the above conversation. Then select the next role from {participants} to play. Only return the role.
"""  # the default selector prompt of both frameworks
STALL_TASK = "BENCH_STALL: answer slowly."  # the server answers this after 60 s
CANCEL_AFTER = 0.02  # seconds between the model request starting and token.cancel()
STUCK_AFTER = 10.0  # a cancelled run not over by then is reported as an error


async def _post(http: Any, messages: list[dict[str, Any]]) -> str:
    response = await http.post("/chat/completions", json={"model": MODEL, "messages": messages})
    response.raise_for_status()
    return response.json()["choices"][0]["message"]["content"]


def _speaker_messages(speaker: str, answers: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """What an AssistantAgent sends: its system message, the task, every answer so far."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": f"You are the {speaker}."},
        {"role": "user", "content": TASK, "name": "user"},
    ]
    for source, text in answers:
        if source == speaker:
            messages.append({"role": "assistant", "content": text})
        else:
            messages.append({"role": "user", "content": text, "name": source})
    return messages


async def raw_round_robin(http: Any) -> int:
    answers: list[tuple[str, str]] = []
    for turn in range(TURNS):
        speaker = NAMES[turn % len(NAMES)]
        answers.append((speaker, await _post(http, _speaker_messages(speaker, answers))))
    return len(answers)


def _selector_prompt(names: tuple[str, ...], answers: list[tuple[str, str]]) -> str:
    roles = "\n".join(f"{name}: {DESCRIPTION}" for name in names)
    history = "\n".join(f"{s}: {t}\n\n" for s, t in [("user", TASK), *answers])
    return SELECTOR_PROMPT.format(roles=roles, participants=str(list(names)), history=history)


async def raw_selector(http: Any, retry: bool) -> int:
    names = NAMES if retry else SELECTOR_NAMES
    answers: list[tuple[str, str]] = []
    for turn in range(SELECTOR_TURNS):
        selector = [{"role": "system", "content": _selector_prompt(names, answers)}]
        for _ in range(3 if retry else 1):  # the selector's attempts
            text = await _post(http, selector)
            selector += [
                {"role": "assistant", "content": text},
                {"role": "user", "content": f"No valid name was given. Answer with {names}."},
            ]
        speaker = names[turn % len(names)] if retry else SELECTED
        answers.append((speaker, await _post(http, _speaker_messages(speaker, answers))))
    return len(answers)


def _framework(impl: str) -> tuple[Any, Any, Any, Any]:
    if impl == "agentparts":
        return (
            require("agentparts.models.openai", "OpenAIChatCompletionClient"),
            require("agentparts.agents", "AssistantAgent"),
            require("agentparts.teams", "RoundRobinGroupChat", "SelectorGroupChat"),
            require("agentparts.conditions", "MaxMessageTermination", "TextMentionTermination"),
        )
    return (
        require("autogen_ext.models.openai", "OpenAIChatCompletionClient"),
        require("autogen_agentchat.agents", "AssistantAgent"),
        require("autogen_agentchat.teams", "RoundRobinGroupChat", "SelectorGroupChat"),
        require("autogen_agentchat.conditions", "MaxMessageTermination", "TextMentionTermination"),
    )


def framework_team(impl: str, client: Any, mode: str) -> tuple[Any, int]:
    """A fresh team for one run, and how many answers the run must give."""
    _, agents, teams, _ = _framework(impl)
    names = SELECTOR_NAMES if mode == "selector" else NAMES
    participants = [
        agents.AssistantAgent(n, model_client=client, system_message=f"You are the {n}.")
        for n in names
    ]
    if mode == "selector":
        team = teams.SelectorGroupChat(
            participants, client, max_turns=SELECTOR_TURNS, allow_repeated_speaker=True
        )
        return team, SELECTOR_TURNS
    if mode == "selector_retry":
        return teams.SelectorGroupChat(
            participants, client, max_turns=SELECTOR_TURNS
        ), SELECTOR_TURNS
    return teams.RoundRobinGroupChat(participants, max_turns=TURNS), TURNS


async def measure_runs(impl: str, base_url: str, quick: bool, mode: str) -> dict[str, Any]:
    if impl == "raw":
        http = raw_client(base_url)

        async def one() -> int:
            if mode.startswith("selector"):
                return await raw_selector(http, retry=mode == "selector_retry")
            return await raw_round_robin(http)

        close = http.aclose
    else:
        client = _framework(impl)[0].OpenAIChatCompletionClient(
            model=MODEL, base_url=base_url, api_key=API_KEY
        )

        async def one() -> int:
            team, expected = framework_team(impl, client, mode)
            result = await team.run(task=TASK)
            replies = [m for m in result.messages if type(m).__name__ == "TextMessage"]
            speakers = [m.source for m in replies[1:]]
            assert len(speakers) == expected, [type(m).__name__ for m in result.messages]
            if mode == "selector":  # the normal path: the server's answer was a valid choice
                assert set(speakers) == {SELECTED}, speakers
            return len(speakers)

        close = client.close

    try:
        if mode == "concurrent":

            async def batch() -> None:
                done = await asyncio.gather(*(one() for _ in range(CONCURRENCY)))
                assert len(done) == CONCURRENCY

            samples = await time_async(batch, iterations=1 if quick else 3, warmup=1)
            metrics = {"wall": metric("ms", samples), "peak_rss": metric("MiB", [peak_rss_mib()])}
        else:
            cpu: list[float] = []

            async def timed() -> None:
                began = time.process_time()
                await one()
                cpu.append((time.process_time() - began) * 1000.0)

            samples = await time_async(timed, iterations=10 if quick else 40, warmup=3)
            # The client process's CPU per run: far less sensitive than wall time to other
            # work on a loaded machine (the server's share is left out for every impl).
            metrics = {"run": metric("ms", samples), "cpu": metric("ms", cpu[-len(samples) :])}
    finally:
        await close()
    return {"metrics": metrics, "info": {}}


def raw_round_trip() -> Any:
    from pydantic import BaseModel

    class Part(BaseModel):
        provider: str
        component_type: str
        version: int = 1
        config: dict[str, Any]

    class AgentConfig(BaseModel):
        name: str
        system_message: str
        description: str
        model_client: Part

    class Agent(BaseModel):
        provider: str
        component_type: str = "agent"
        config: AgentConfig

    class TeamConfig(BaseModel):
        participants: list[Agent]
        termination_condition: Part
        max_turns: int

    class TeamModel(BaseModel):
        provider: str
        component_type: str = "team"
        config: TeamConfig

    client = Part(provider="OpenAIChatCompletionClient", component_type="model",
                  config={"model": MODEL, "base_url": "http://127.0.0.1:1/v1"})  # fmt: skip
    mention = Part(provider="TextMentionTermination", component_type="termination",
                   config={"text": "TERMINATE"})  # fmt: skip
    most = Part(provider="MaxMessageTermination", component_type="termination",
                config={"max_messages": 20})  # fmt: skip
    condition = Part(provider="OrTerminationCondition", component_type="termination",
                     config={"conditions": [most.model_dump(), mention.model_dump()]})  # fmt: skip
    agents = [
        Agent(
            provider="AssistantAgent",
            config=AgentConfig(
                name=n,
                system_message=f"You are the {n}.",
                description=DESCRIPTION,
                model_client=client,
            ),
        )
        for n in NAMES
    ]
    team = TeamModel(
        provider="RoundRobinGroupChat",
        config=TeamConfig(participants=agents, termination_condition=condition, max_turns=TURNS),
    )
    return lambda: TeamModel.model_validate(team.model_dump())


def framework_round_trip(impl: str) -> Any:
    openai, agents, teams, conditions = _framework(impl)
    # The key comes from the environment (a key given in code is masked on dump).
    os.environ["OPENAI_API_KEY"] = API_KEY
    client = openai.OpenAIChatCompletionClient(model=MODEL, base_url="http://127.0.0.1:1/v1")
    participants = [
        agents.AssistantAgent(n, model_client=client, system_message=f"You are the {n}.")
        for n in NAMES
    ]
    condition = conditions.MaxMessageTermination(20) | conditions.TextMentionTermination(
        "TERMINATE"
    )
    team: Any = teams.RoundRobinGroupChat(
        participants, termination_condition=condition, max_turns=TURNS
    )
    cls: Any = team.__class__

    def round_trip() -> Any:
        loaded = cls.load_component(team.dump_component().model_dump())
        assert type(loaded) is cls
        return loaded

    return round_trip


def measure_round_trip(impl: str, quick: bool) -> dict[str, Any]:
    warnings.simplefilter("ignore")
    fn = raw_round_trip() if impl == "raw" else framework_round_trip(impl)
    samples = time_sync(fn, iterations=100 if quick else 500, warmup=10 if quick else 50)
    return {"metrics": {"round_trip": metric("ms", samples)}, "info": {}}


def _client_class(impl: str, on_create: Any) -> Any:
    """The framework's OpenAI client, calling ``on_create()`` when a request starts."""
    base = _framework(impl)[0].OpenAIChatCompletionClient

    class Watched(base):
        async def create(self, *args: Any, **kwargs: Any) -> Any:
            on_create()
            parent: Any = super()
            return await parent.create(*args, **kwargs)

    return Watched


UNKNOWN_MODEL = "bench-local-model"
UNKNOWN_MODEL_INFO = {
    "vision": False,
    "function_calling": True,
    "json_output": False,
    "structured_output": False,
    "family": "unknown",
}


def _live_tasks() -> int:
    current = asyncio.current_task()
    return sum(1 for t in asyncio.all_tasks() if t is not current and not t.done())


async def _until_done(run: asyncio.Future[None], began: float) -> tuple[float, int]:
    """Ms from ``began`` (the cancel) until ``run`` ended, and the tasks still running then.

    A run still going after STUCK_AFTER seconds is an error, not a sample; so is a run
    that ends with an exception other than the cancellation."""
    finished, _ = await asyncio.wait({run}, timeout=STUCK_AFTER)
    took = (time.perf_counter() - began) * 1000.0
    left = _live_tasks()
    if not finished:
        raise RuntimeError(f"the run was still going {STUCK_AFTER:g} s after the cancel")
    if not run.cancelled() and run.exception() is not None:
        raise RuntimeError(f"the cancelled run failed: {run.exception()!r}")
    return took, left


async def _cancel_once_raw(base_url: str) -> tuple[float, int]:
    http = raw_client(base_url)
    try:
        sent = asyncio.Event()

        messages = [
            {"role": "system", "content": f"You are the {NAMES[0]}."},
            {"role": "user", "content": STALL_TASK, "name": "user"},
        ]

        async def request() -> None:
            sent.set()
            await _post(http, messages)

        task = asyncio.ensure_future(request())
        await sent.wait()
        await asyncio.sleep(CANCEL_AFTER)
        began = time.perf_counter()
        task.cancel()
        return await _until_done(task, began)
    finally:
        await http.aclose()


async def _cancel_once(impl: str, base_url: str) -> tuple[float, int]:
    if impl == "raw":
        return await _cancel_once_raw(base_url)
    core = require(
        f"{'agentparts' if impl == 'agentparts' else 'autogen_core'}", "CancellationToken"
    )
    _, agents, teams, _ = _framework(impl)
    started = asyncio.Event()
    client = _client_class(impl, started.set)(model=MODEL, base_url=base_url, api_key=API_KEY)
    participants = [
        agents.AssistantAgent(n, model_client=client, system_message=f"You are the {n}.")
        for n in NAMES[:2]
    ]
    team = teams.RoundRobinGroupChat(participants, max_turns=4)
    token = core.CancellationToken()

    async def consume() -> None:
        async for _ in team.run_stream(task=STALL_TASK, cancellation_token=token):
            pass

    runner = asyncio.ensure_future(consume())
    try:
        await asyncio.wait_for(started.wait(), timeout=30)
        await asyncio.sleep(CANCEL_AFTER)
        assert not runner.done(), "the run ended before it was cancelled"
        began = time.perf_counter()
        token.cancel()
        return await _until_done(runner, began)
    finally:
        runner.cancel()
        await client.close()


async def measure_cancel(impl: str, base_url: str, quick: bool) -> dict[str, Any]:
    samples: list[float] = []
    left: list[int] = []
    for index in range(2 + (5 if quick else 15)):
        took, tasks = await _cancel_once(impl, base_url)
        if index >= 2:  # two warm-up runs
            samples.append(took)
            left.append(tasks)
    return {"metrics": {"cancel": metric("ms", samples)}, "info": {"tasks_left": max(left)}}


async def _magentic_once(impl: str, base_url: str) -> dict[str, float]:
    _, agents, _, _ = _framework(impl)
    teams = require(
        "agentparts.teams" if impl == "agentparts" else "autogen_agentchat.teams",
        "MagenticOneGroupChat",
    )
    marks: dict[str, float] = {}

    def on_create() -> None:
        marks.setdefault("first_request", time.perf_counter())

    orchestrator_client = _client_class(impl, on_create)(
        model=UNKNOWN_MODEL, base_url=base_url, api_key=API_KEY, model_info=UNKNOWN_MODEL_INFO
    )
    client = _framework(impl)[0].OpenAIChatCompletionClient(
        model=UNKNOWN_MODEL, base_url=base_url, api_key=API_KEY, model_info=UNKNOWN_MODEL_INFO
    )
    assistant = agents.AssistantAgent("assistant", model_client=client)
    team = teams.MagenticOneGroupChat([assistant], orchestrator_client, max_turns=5)
    try:
        began = time.perf_counter()
        spoke: list[str] = []
        async for event in team.run_stream(task=TASK):
            if getattr(event, "source", None) == "assistant" and hasattr(event, "content"):
                marks.setdefault("first_speaker", time.perf_counter())
                spoke.append(str(event.content))
            if type(event).__name__ == "TaskResult":
                marks["run"] = time.perf_counter()
                # One turn: the second fenced ledger's "satisfied" was read, so the run
                # ended there (max_turns=5) with the orchestrator's final answer.
                assert len(spoke) == 1 and "BENCH_LEDGER_DONE" in spoke[0], spoke
                last = event.messages[-1]
                assert last.source != "assistant", [type(m).__name__ for m in event.messages]
        assert set(marks) == {"first_request", "first_speaker", "run"}, marks
        return {key: (value - began) * 1000.0 for key, value in marks.items()}
    finally:
        await client.close()
        await orchestrator_client.close()


async def measure_magentic(impl: str, base_url: str, quick: bool) -> dict[str, Any]:
    if impl == "raw":
        raise NotMeasured("no raw baseline: the row is an absolute bound")
    samples: dict[str, list[float]] = {"first_request": [], "first_speaker": [], "run": []}
    for index in range(2 + (5 if quick else 15)):
        marks = await _magentic_once(impl, base_url)
        if index >= 2:  # two warm-up runs
            for key, value in marks.items():
                samples[key].append(value)
    return {"metrics": {k: metric("ms", v) for k, v in samples.items()}, "info": {}}


def main() -> None:
    modes = (
        "round_robin",
        "selector",
        "selector_retry",
        "concurrent",
        "roundtrip",
        "cancel_latency",
        "magentic_one",
    )

    def add_mode(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--mode", choices=modes, default="round_robin")

    args = parse_args((__doc__ or "").splitlines()[0], add_mode)

    async def measure() -> dict[str, Any]:
        if args.mode == "roundtrip":
            return measure_round_trip(args.impl, args.quick)
        if args.mode == "cancel_latency":
            return await measure_cancel(args.impl, args.base_url, args.quick)
        if args.mode == "magentic_one":
            return await measure_magentic(args.impl, args.base_url, args.quick)
        return await measure_runs(args.impl, args.base_url, args.quick, args.mode)

    run(f"team_{args.mode}", args.impl, measure)


if __name__ == "__main__":
    main()
