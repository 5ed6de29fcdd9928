"""Memory stays flat over 10,000 sequential team runs in one process (issue 20)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_RUNS = """
import asyncio, gc, sys
from agentparts.agents import AssistantAgent
from agentparts.conditions import MaxMessageTermination, TextMentionTermination
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.teams import RoundRobinGroupChat

async def one_run(kept):
    client = ReplayChatCompletionClient(["draft", "review", "final"])
    team = RoundRobinGroupChat(
        [AssistantAgent("writer", client), AssistantAgent("reviewer", client)],
        termination_condition=MaxMessageTermination(4) | TextMentionTermination("DONE"),
        max_turns=10,
    )
    result = await team.run(task="Write a line.")
    assert [m.to_text() for m in result.messages[1:]] == ["draft", "review", "final"]
    if kept is not None:
        kept.append(result)

async def main(runs, keep):
    kept = [] if keep else None
    for _ in range(200):  # warm up caches (pydantic, regexes, interned names)
        await one_run(None)
    gc.collect()
    start = sys.getallocatedblocks()
    for _ in range(runs):
        await one_run(kept)
    gc.collect()
    print(sys.getallocatedblocks() - start)

asyncio.run(main(int(sys.argv[1]), sys.argv[2:] == ["--keep"]))
"""


def _blocks_grown(runs: int, *args: str) -> int:
    # A fresh process: what earlier tests left in this one would count too.
    done = subprocess.run(
        [sys.executable, "-c", _RUNS, str(runs), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


@pytest.mark.timeout(900)
def test_memory_stays_flat_over_10000_sequential_team_runs() -> None:
    grown = _blocks_grown(10_000)
    # Fewer allocated blocks than runs: no run leaves even one object behind.
    assert grown < 1_000, f"{grown} more allocated blocks after 10,000 team runs"
    # The measurement sees a leak: keeping each result (about 40 blocks) of 1,000 runs.
    assert _blocks_grown(1_000, "--keep") > 20_000
