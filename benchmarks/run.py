"""Run every benchmark scenario for raw, agentparts and AutoGen; write the table and JSON.

Usage (``scripts/bench`` sets up the environments first)::

    python benchmarks/run.py --autogen-python benchmarks/.envs/autogen/bin/python [--quick]

Each measurement is a fresh process (``benchmarks/scenarios/<name>.py --impl ...``). The
order of the implementations rotates from round to round, samples of all rounds are pooled
and reported as median and p90. The model server (agentparts.testing, zero latency) runs
as its own process for the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report import (
    IMPL_NAMES,
    MicroRow,
    Row,
    Target,
    info_values,
    markdown_table,
    micro_lines,
    not_measured_notes,
    summarize,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIOS = HERE / "scenarios"
IMPLS = ("raw", "agentparts", "autogen")


@dataclass(frozen=True)
class Scenario:
    """One scenario script with its arguments; ``rounds`` caps the rounds it takes part in."""

    key: str
    script: str
    args: tuple[str, ...] = ()
    rounds: int = 99
    quick: bool = True  # part of the quick run
    impls: tuple[str, ...] = IMPLS
    timeout: float = 600.0


SCENARIO_LIST = [
    Scenario("server_capacity", "server_capacity.py", impls=("raw",), rounds=3),
    Scenario("import_loader", "import_time.py", ("--what", "loader")),
    Scenario("import_agent", "import_time.py", ("--what", "agent")),
    Scenario("import_team", "import_time.py", ("--what", "team")),
    Scenario("import_runtime", "import_time.py", ("--what", "runtime")),
    Scenario("import_loader_plain", "import_time.py", ("--what", "loader_plain")),
    Scenario("import_agent_plain", "import_time.py", ("--what", "agent_plain")),
    Scenario("import_team_plain", "import_time.py", ("--what", "team_plain")),
    Scenario("import_agent_first_message", "import_time.py", ("--what", "agent_first_message")),
    Scenario("import_team_first_message", "import_time.py", ("--what", "team_first_message")),
    Scenario("import_openai", "import_time.py", ("--what", "openai")),
    Scenario("import_azure_openai", "import_time.py", ("--what", "azure_openai")),
    Scenario("import_azure_ai", "import_time.py", ("--what", "azure_ai")),
    Scenario("import_anthropic", "import_time.py", ("--what", "anthropic")),
    Scenario("import_ollama", "import_time.py", ("--what", "ollama")),
    Scenario("roundtrip_nested", "component_roundtrip.py", ("--what", "nested")),
    Scenario("roundtrip_agent", "component_roundtrip.py", ("--what", "agent")),
    Scenario("model_single", "model_client.py", ("--mode", "single")),
    Scenario("model_concurrent", "model_client.py", ("--mode", "concurrent"), rounds=3),
    Scenario("model_stream", "model_client.py", ("--mode", "stream")),
    Scenario("anthropic_single", "anthropic_client.py", ("--mode", "single")),
    Scenario("anthropic_stream", "anthropic_client.py", ("--mode", "stream")),
    Scenario("anthropic_tool", "anthropic_client.py", ("--mode", "tool")),
    Scenario("azure_single", "azure_client.py", ("--mode", "single")),
    Scenario("azure_stream", "azure_client.py", ("--mode", "stream")),
    Scenario("azure_tool", "azure_client.py", ("--mode", "tool")),
    Scenario("ollama_single", "ollama_client.py", ("--mode", "single")),
    Scenario("ollama_stream", "ollama_client.py", ("--mode", "stream")),
    Scenario("ollama_tool", "ollama_client.py", ("--mode", "tool")),
    Scenario("agent_one_turn", "agent.py", ("--mode", "one_turn")),
    Scenario("agent_tool_turn", "agent.py", ("--mode", "tool_turn")),
    Scenario("agent_concurrent", "agent.py", ("--mode", "concurrent"), rounds=3),
    Scenario("team_round_robin", "team.py", ("--mode", "round_robin")),
    Scenario("team_selector", "team.py", ("--mode", "selector")),
    Scenario("team_selector_retry", "team.py", ("--mode", "selector_retry"), quick=False),
    Scenario("team_roundtrip", "team.py", ("--mode", "roundtrip")),
    Scenario("team_concurrent", "team.py", ("--mode", "concurrent"), rounds=3),
    Scenario("team_cancel_latency", "team.py", ("--mode", "cancel_latency")),
    Scenario("magentic_one_start", "team.py", ("--mode", "magentic_one")),
    Scenario("exec_local", "code_exec.py", ("--executor", "local")),
    Scenario("exec_sandbox", "code_exec.py", ("--executor", "sandbox"), impls=("raw", "agentparts", "autogen")),
    Scenario("exec_sandbox_x8", "code_exec.py", ("--executor", "sandbox", "--parallel", "8"),
             rounds=3, quick=False),
    Scenario("tool_run_json_sync", "tool_run_json.py", ("--fn", "sync")),
    Scenario("tool_run_json_async", "tool_run_json.py", ("--fn", "async")),
    Scenario("search", "search.py", ("--files", "10000"), rounds=3, quick=False),
    Scenario("batch_local", "batch.py", ("--mode", "local", "--tasks", "1000"), rounds=1,
             quick=False),
    Scenario("batch_ray", "batch.py", ("--mode", "ray", "--tasks", "1000"), rounds=1,
             quick=False),
    Scenario("runtime_rpc", "runtime.py", ("--mode", "rpc"), impls=("agentparts", "autogen")),
    Scenario("runtime_publish10", "runtime.py", ("--mode", "publish10"),
             impls=("agentparts", "autogen")),
    Scenario("runtime_ray", "runtime_ray.py", impls=("agentparts",), rounds=1, quick=False),
    *(
        Scenario(f"micro_{what}", "micro.py", ("--what", what), impls=("agentparts",), rounds=3)
        for what in ("ids", "construct", "threads", "pool", "sse", "cancel")
    ),
]  # fmt: skip

I2, I3, I5, I6, I20 = "issue 2", "issue 3", "issue 5", "issue 6", "issue 20"
I21 = "issue 21"
I18 = "issue 18"
I22 = "issue 22"
I23 = "issue 23"
ROWS = [
    Row("import_loader_plain", "import", "`from agentparts import ComponentLoader` (vs asyncio, pydantic)",
        Target("ratio", 1.3, I23)),
    Row("import_loader", "import", "`from agentparts import ComponentLoader` (vs asyncio, pydantic BaseModel+Field)"),
    Row("import_agent_plain", "import", "AssistantAgent + OpenAI client (vs asyncio, pydantic, httpx)",
        Target("ratio", 1.3, I23)),
    Row("import_agent", "import", "AssistantAgent + OpenAI client (vs asyncio, pydantic BaseModel+Field, httpx)"),
    Row("import_team_plain", "import", "`from agentparts.teams import RoundRobinGroupChat` (vs asyncio, pydantic)",
        Target("ratio", 1.3, I23)),
    Row("import_team", "import", "`from agentparts.teams import RoundRobinGroupChat` (vs asyncio, pydantic BaseModel+Field)"),
    Row("import_agent_first_message", "import",
        "agent stack + one TextMessage (vs asyncio, httpx, one Pydantic model defined and built)"),
    Row("import_team_first_message", "import",
        "team stack + one TextMessage (vs asyncio, one Pydantic model defined and built)"),
    Row("import_runtime", "import", "SingleThreadedAgentRuntime + RoutedAgent (vs asyncio, pydantic)",
        Target("ratio", 1.3, I23)),
    Row("import_openai", "import", "OpenAI client module (vs httpx, pydantic)", Target("ratio", 1.3, I22)),
    Row("import_azure_openai", "import", "Azure OpenAI client (vs httpx, pydantic)",
        Target("ratio", 1.3, I22)),
    Row("import_azure_ai", "import", "Azure AI client module (vs httpx, pydantic)",
        Target("ratio", 1.3, I22)),
    Row("import_anthropic", "import", "Anthropic client module (vs httpx, pydantic)",
        Target("ratio", 1.3, I22)),
    Row("import_ollama", "import", "Ollama client module (vs httpx, pydantic)", Target("ratio", 1.3, I22)),
    Row("roundtrip_nested", "round_trip", "dump+load, nested component", Target("below", 1.0, I2)),
    Row("roundtrip_agent", "round_trip", "dump+load, agent config"),
    Row("model_single", "call", "one non-streamed call", Target("ratio", 1.3, I3)),
    Row("model_concurrent", "wall", "500 concurrent calls (wall)", Target("ratio", 1.5, I3)),
    Row("model_stream", "first_chunk", "500-token stream: first chunk"),
    Row("model_stream", "per_chunk", "500-token stream: per chunk", Target("ratio", 2.0, I3)),
    Row("anthropic_single", "call", "Anthropic Messages API: one call", Target("ratio", 1.3, I22)),
    Row("anthropic_stream", "per_chunk", "Anthropic 500-token stream: per chunk",
        Target("ratio", 2.0, I22)),
    Row("anthropic_tool", "turn", "Anthropic tool turn (2 calls + tool)", Target("ratio", 1.5, I22)),
    Row("azure_single", "call", "Azure OpenAI: one call", Target("ratio", 1.3, I22)),
    Row("azure_stream", "per_chunk", "Azure OpenAI 500-token stream: per chunk",
        Target("ratio", 2.0, I22)),
    Row("azure_tool", "turn", "Azure OpenAI tool turn (2 calls + tool)", Target("ratio", 1.5, I22)),
    Row("ollama_single", "call", "Ollama /api/chat: one call", Target("ratio", 1.3, I22)),
    Row("ollama_stream", "per_chunk", "Ollama 500-token NDJSON stream: per chunk",
        Target("ratio", 2.0, I22)),
    Row("ollama_tool", "turn", "Ollama tool turn (2 calls + tool)", Target("ratio", 1.5, I22)),
    Row("agent_one_turn", "run", "one-turn agent run", Target("ratio", 1.3, I6)),
    Row("agent_tool_turn", "run", "tool turn (2 model calls + tool)", Target("ratio", 1.5, I6)),
    Row("agent_concurrent", "wall", "500 concurrent agents: wall", Target("ratio", 1.5, I6)),
    Row("agent_concurrent", "peak_rss", "500 concurrent agents: peak RSS", Target("ratio", 1.3, I6)),
    Row("team_round_robin", "run", "3-agent round robin, 12 model turns", Target("ratio", 1.2, I20)),
    Row("team_round_robin", "run", "3-agent round robin, 12 model turns (vs AutoGen)",
        Target("autogen", 0.5, I20)),
    Row("team_selector", "run", "selector team, 6 turns (12 calls, valid selections)",
        Target("ratio", 1.2, I20)),
    Row("team_selector_retry", "run", "selector team, 6 turns, invalid answers (3 attempts each)"),
    Row("team_round_robin", "cpu", "3-agent round robin, 12 model turns: client CPU per run"),
    Row("team_selector", "cpu", "selector team, 6 turns: client CPU per run"),
    Row("team_roundtrip", "round_trip", "dump+load, 3-agent round-robin team",
        Target("below", 2.0, I20)),
    Row("team_concurrent", "wall", "100 concurrent round-robin teams: wall", Target("ratio", 1.5, I20)),
    Row("team_concurrent", "peak_rss", "100 concurrent teams: peak RSS", Target("ratio", 1.5, I20)),
    Row("team_cancel_latency", "cancel", "round robin, model call stalled: `token.cancel()` to "
        "`run_stream` ending", Target("below", 100.0, I20)),
    Row("magentic_one_start", "first_request", "Magentic-One: `run_stream` to the orchestrator's "
        "first model call", Target("below", 1000.0, I20)),
    Row("magentic_one_start", "first_speaker", "Magentic-One, fenced-JSON ledgers: `run_stream` "
        "to the first agent's message", Target("below", 1000.0, I20)),
    Row("magentic_one_start", "run", "Magentic-One, fenced-JSON ledgers: whole run (6 model calls)"),
    Row("exec_local", "run", "`print(1)`, local executor", Target("ratio", 1.2, I5)),
    Row("exec_sandbox", "run", "`print(1)`, sandboxed executor", Target("ratio", 1.3, I18)),
    Row("exec_sandbox_x8", "per_run", "`print(1)`, 8 sandboxes in parallel (per run)",
        Target("ratio", 1.3, I18)),
    Row("tool_run_json_sync", "run_json", "`run_json`, two-integer tool (sync fn)"),
    Row("tool_run_json_async", "run_json", "`run_json`, two-integer tool (async fn)"),
    Row("search", "build", "search 10,000 files: index build"),
    Row("search", "query", "search 10,000 files: query"),
    Row("batch_local", "wall", "batch of 1,000 one-turn tasks, local (wall)"),
    Row("batch_local", "peak_rss", "batch of 1,000 one-turn tasks, local (peak RSS)"),
    Row("batch_ray", "wall", "batch of 1,000 one-turn tasks, Ray mode (wall)"),
    Row("runtime_rpc", "rpc", "runtime: RPC round trip between two agents (per message)",
        Target("autogen", 1 / 3, I21)),
    Row("runtime_publish10", "publish10", "runtime: publish to 10 subscribers (per message)",
        Target("autogen", 1 / 3, I21)),
    Row("runtime_ray", "startup", "Ray runtime: start-up to first answer (local Ray)"),
    Row("runtime_ray", "rpc", "Ray runtime: RPC round trip to an agent actor"),
]  # fmt: skip


# Each hand-written part against the library it replaces, measured in one process.
MICRO_ROWS = [
    MicroRow("micro_ids", "new_uuid4", "uuid4", "`new_uuid4()` vs `str(uuid.uuid4())`"),
    MicroRow("micro_construct", "construct", "model_construct",
             "`construct(TextMessage, ...)` vs `TextMessage.model_construct(...)`"),
    MicroRow("micro_construct", "construct", "validate",
             "`construct(TextMessage, ...)` vs `TextMessage(...)` (validation; what construct "
             "saves here is memory: a message built so never builds its validator, 60-150 KB)"),
    MicroRow("micro_construct", "construct_calls", "validate_calls",
             "`construct` vs validation of a `ToolCallRequestEvent` of three `FunctionCall`s"),
    MicroRow("micro_threads", "worker_threads", "executor",
             "a sync tool call through `WorkerThreads` vs `run_in_executor` on a "
             "`ThreadPoolExecutor`, one at a time"),
    MicroRow("micro_threads", "worker_threads_x8", "executor_x8",
             "the same, 8 calls at once (per batch)"),
    MicroRow("micro_pool", "sharded_pool", "one_httpx_pool",
             "500 concurrent calls through `ShardedPool` vs one `httpx.AsyncClient`, "
             "100 connections each (wall)"),
    MicroRow("micro_sse", "event_stream", "httpx_sse",
             "reading a 500-event stream: `EventStream` (with its time and size limits, which "
             "neither library has: no cap on a line or the stream) vs `httpx-sse`"),
    MicroRow("micro_sse", "event_stream", "lines",
             "the same vs `response.aiter_lines()` and a `data:` check"),
    MicroRow("micro_cancel", "cancel_scope", "anyio_scope",
             "one awaited step under `CancelScope` vs an `anyio.CancelScope` the token "
             "cancels through the loop"),
    MicroRow("micro_cancel", "cancel_scope_block", "anyio_scope",
             "a whole block under `CancelScope(token, whole_block=True)` (model calls, async "
             "tools, runtime handlers) vs the same `anyio.CancelScope`"),
    MicroRow("micro_cancel", "cancel_scope", "task_per_step",
             "the same vs a task per step linked to the token (AutoGen's way)"),
]  # fmt: skip


@dataclass
class LoadSampler:
    """Samples /proc/loadavg every few seconds in a background thread."""

    interval: float = 5.0
    samples: list[float] = field(default_factory=lambda: [])
    _stop: threading.Event = field(default_factory=threading.Event)

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.samples.append(float(Path("/proc/loadavg").read_text().split()[0]))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._read()

    def __enter__(self) -> LoadSampler:
        self._read()
        threading.Thread(target=self._loop, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._read()

    def summary(self) -> dict[str, Any]:
        s = self.samples or [float("nan")]
        return {
            "load1_min": min(s),
            "load1_median": statistics.median(s),
            "load1_max": max(s),
            "samples": len(self.samples),
        }


def start_server(python: str, protocol: str = "openai") -> tuple[subprocess.Popen[str], str]:
    """The benchmark model server as its own process, and its base URL."""
    process = subprocess.Popen(
        [python, str(HERE / "server.py"), "--protocol", protocol],
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.match(r"listening on (\S+)", line)
    if not match:
        process.kill()
        raise SystemExit(f"The benchmark server did not start (it said {line!r}).")
    return process, match.group(1)


def run_one(
    scenario: Scenario, impl: str, pythons: dict[str, str], common: list[str]
) -> dict[str, Any]:
    """One fresh process: one scenario, one implementation."""
    command = [pythons[impl], str(SCENARIOS / scenario.script), "--impl", impl, *common]
    command += list(scenario.args)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONUNBUFFERED": "1"}
    base: dict[str, Any] = {"scenario": scenario.key, "impl": impl}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=scenario.timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return {**base, "status": "error", "reason": f"timed out after {scenario.timeout:g} s"}
    base["process_s"] = round(time.perf_counter() - start, 2)
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except ValueError:
                break
            return {**result, **base}  # the runner's key (e.g. exec_sandbox_x8) wins
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {**base, "status": "error", "reason": f"exit {done.returncode}: {tail}"[:500]}


def command_output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout or done.stderr).strip()


def versions(python: str, packages: list[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {'python': sys.version.split()[0]}\n"
        f"for p in {packages!r}:\n"
        "    try: out[p] = m.version(p)\n"
        "    except m.PackageNotFoundError: out[p] = None\n"
        "print(json.dumps(out))"
    )
    try:
        return json.loads(command_output([python, "-c", code]))
    except ValueError:
        return {}


def machine_info(pythons: dict[str, str]) -> dict[str, Any]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"])
    bwrap = shutil.which("bwrap")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": command_output(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "agentparts_commit": commit + ("+uncommitted" if dirty else ""),
        "bwrap": command_output([bwrap, "--version"]) if bwrap else None,
        "agentparts_env": versions(pythons["agentparts"], ["agentparts", "pydantic", "httpx"]),
        "autogen_env": versions(
            pythons["autogen"],
            ["autogen-core", "autogen-agentchat", "autogen-ext", "openai", "pydantic", "httpx"],
        ),
    }


def server_note(table: dict[str, dict[str, Any]]) -> str:
    capacity = info_values(table, "server_capacity", "raw", "requests_per_s")
    if not capacity:
        return "The server's capacity was not measured."
    best_client = 0.0
    where = ""
    for scenario, key in (("model_concurrent", "calls_per_s"), ("agent_concurrent", "runs_per_s")):
        for impl in IMPLS:
            for value in info_values(table, scenario, impl, key):
                if value > best_client:
                    best_client, where = value, f"{IMPL_NAMES[impl]}, {scenario}"
    median_capacity = statistics.median(capacity)
    text = (
        f"The server alone answers a lean client (raw asyncio sockets, 50 keep-alive "
        f"connections) at a median **{median_capacity:,.0f} requests/s** (min "
        f"{min(capacity):,.0f})."
    )
    if best_client:
        text += (
            f" The fastest client in the concurrent scenarios reached {best_client:,.0f} "
            f"requests/s ({where}), {best_client / median_capacity:.0%} of that: the numbers "
            "measure the clients, not the server."
        )
    return text


def extra_notes(table: dict[str, dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for scenario, key, label in (
        ("exec_sandbox_x8", "runs_per_s", "runs/s with 8 sandboxes in parallel"),
        ("batch_local", "tasks_per_s", "tasks/s, batch of 1,000 (local, concurrency 32)"),
        ("batch_ray", "tasks_per_s", "tasks/s, batch of 1,000 (Ray mode)"),
        ("batch_ray", "ray_init_s", "s to start Ray (not in the batch time)"),
        ("search", "files", "files in the search corpus"),
        ("team_cancel_latency", "tasks_left", "tasks left when a cancelled `run_stream` ended"),
    ):
        parts = []
        for impl in IMPLS:
            values = info_values(table, scenario, impl, key)
            if values:
                parts.append(f"{IMPL_NAMES[impl]} {statistics.median(values):g}")
        if parts:
            lines.append(f"- {label}: " + ", ".join(parts))
    return lines


def write_markdown(data: dict[str, Any], table: dict[str, dict[str, Any]], path: Path) -> list[str]:
    body, missed = markdown_table(table, ROWS)
    machine = data["machine"]
    load = data["load"]
    env_a, env_b = machine["agentparts_env"], machine["autogen_env"]
    mode = "quick" if data["quick"] else "full"
    lines = [
        "# Benchmarks",
        "",
        "agentparts, AutoGen 0.7.5 and a raw baseline side by side, measured in one run by "
        f"`scripts/bench` ({mode} mode, {data['rounds']} round"
        f"{'s' if data['rounds'] != 1 else ''}, {data['started']} UTC, "
        f"{data['duration_s'] / 60:.1f} min). Regenerate with `scripts/bench`; "
        "`scripts/bench --quick` takes about a minute and does not touch this file.",
        "",
        "Every cell is the median over all samples of all rounds, with the p90 in "
        "parentheses. Each measurement runs in a fresh process; the order of raw, "
        "agentparts and AutoGen rotates every round. The model is the OpenAI-compatible "
        "test server of `agentparts.testing`, in its own process with zero added latency, "
        "so the times are client-side cost. Lower is better everywhere.",
        "",
        body,
        "",
        *(
            ["Rows marked *not run* are left out of quick mode (search, batches, 8 sandboxes).", ""]
            if data["quick"]
            else []
        ),
        "**Targets missed in this run:** " + (", ".join(missed) if missed else "none") + ".",
        "",
        "## Micro: hand-written parts against the library they replace",
        "",
        "Each part agentparts writes itself instead of using a library, timed against that "
        "library in the same process (`benchmarks/scenarios/micro.py`, variants interleaved "
        "batch by batch): the medians, then agentparts' time over the library's (below "
        "1.00x the hand-written part is faster). A part stays for a measured win or for "
        "the reason its line gives; one with neither goes back to the library.",
        "",
        *micro_lines(table, MICRO_ROWS),
        "",
        "## The model server is not the bottleneck",
        "",
        server_note(table),
        "",
        "## Other figures",
        "",
        *extra_notes(table),
        "",
        "## What the baselines are",
        "",
        "- **raw, HTTP scenarios**: a plain `httpx.AsyncClient()` (default limits) posting the "
        "same requests an agent sends (system + user message; for the tool turn: the tool "
        "call, the function, the second request) and parsing the JSON / SSE lines.",
        "- **raw, import**: what users import, each against the libraries it is built on, "
        '`python -c "..."` in a fresh interpreter (start-up included, current bytecode). '
        "The rows with the 1.3x target use issue 23's baselines: `import asyncio, pydantic` "
        "for `from agentparts import ComponentLoader` and `from agentparts.teams import "
        "RoundRobinGroupChat`, plus `httpx` for `AssistantAgent` + "
        "`OpenAIChatCompletionClient`. The rows beside them (no target) load Pydantic's "
        "model machinery in the baseline too (`import asyncio` + `from pydantic import "
        "BaseModel, Field`), to show how much of the gap is Pydantic's own first model. "
        "None of these stacks defines or imports a Pydantic model (each model class is "
        "imported on first use; tests/core/test_import_footprint.py keeps it so), so the "
        "first message built pays for Pydantic's machinery: the first-message rows add one "
        "`TextMessage` to the agent and team stacks and compare them with a program that "
        "defines and builds one model. "
        "`from agentparts import SingleThreadedAgentRuntime, "
        "RoutedAgent` (no Pydantic model) is measured against `import asyncio, pydantic`. Pydantic 2's "
        "`import pydantic` is lazy and loads no model machinery (BaseModel, fields, "
        "annotated_types), which any program's first model class loads; see "
        "benchmarks/scenarios/import_time.py. AutoGen imports the same names from "
        "`autogen_core`, `autogen_agentchat` and `autogen_ext`.",
        "- **raw, code execution**: a bare asyncio subprocess `python -c 'print(1)'` with the "
        "interpreter the executor uses (`sys.executable` for local, `/usr/bin/python3` "
        "for the sandbox).",
        "- **raw, dump+load**: the same nested shape as plain Pydantic models "
        "(`model_dump` + `model_validate`). The nested component is a `StaticWorkbench` "
        "of two `FunctionTool`s; the agent config an `AssistantAgent` with an OpenAI "
        "client (key from the environment), a tool and a buffered model context.",
        "- **raw, `run_json`**: Pydantic validation of the arguments, the call, `str()`.",
        "- **raw, search**: stdlib `sqlite3` FTS5 filled in one transaction, then the same "
        "BM25 + snippet query; agentparts' query also checks the folder for changed files.",
        "- **batch**: agentparts uses `agentparts.batch.run_batch_async`; AutoGen and raw "
        "do the same by hand (a fresh agent loaded from the saved config per task / one "
        "httpx flow per task, a semaphore of 32, a JSONL results file).",
        "",
        "## Not measured, errors",
        "",
        *(not_measured_notes(table) or ["- none"]),
        "",
        "## Machine and load",
        "",
        f"- {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"{machine['os']}, kernel {machine['kernel']}; the cores are shared with other work.",
        f"- 1-minute load average during the run: min {load['load1_min']:.2f}, median "
        f"{load['load1_median']:.2f}, max {load['load1_max']:.2f} ({load['samples']} samples).",
        f"- agentparts {env_a.get('agentparts')} at {machine['agentparts_commit']}, Python "
        f"{env_a.get('python')}, pydantic {env_a.get('pydantic')}, httpx {env_a.get('httpx')}.",
        f"- AutoGen venv: autogen-core {env_b.get('autogen-core')}, autogen-agentchat "
        f"{env_b.get('autogen-agentchat')}, autogen-ext {env_b.get('autogen-ext')}, openai "
        f"{env_b.get('openai')}, Python {env_b.get('python')}, pydantic "
        f"{env_b.get('pydantic')}.",
        f"- bubblewrap: {machine['bwrap']}.",
        "",
        "## How it works",
        "",
        "- `scripts/bench` checks the project's `.venv` (else runs `scripts/install`), creates "
        "`benchmarks/.envs/autogen` with uv (autogen-core, autogen-agentchat and "
        "autogen-ext[openai] 0.7.5) on the same interpreter, then runs "
        "`benchmarks/run.py`, which starts `benchmarks/server.py` and runs every scenario.",
        "- A scenario is `benchmarks/scenarios/<name>.py --impl raw|agentparts|autogen`; it "
        "prints one JSON line with its samples, or `not_measured` with the reason when an "
        "implementation lacks the feature (never a made-up number). Add one by writing the "
        "script and a `Scenario` plus `Row` in `benchmarks/run.py`.",
        "- Results: `benchmarks/results/<time>.json` (every sample of every process) and "
        "`latest.md`; `python benchmarks/run.py --render FILE.json --docs yes` rewrites this "
        "page from a saved run.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a minute, one round")
    parser.add_argument("--rounds", type=int, default=None, help="default: 5, quick: 1")
    parser.add_argument(
        "--autogen-python", default=str(HERE / ".envs" / "autogen" / "bin" / "python")
    )
    parser.add_argument("--agentparts-python", default=sys.executable)
    parser.add_argument("--only", default="", help="comma-separated scenario keys")
    parser.add_argument("--docs", choices=("auto", "yes", "no"), default="auto",
                        help="write docs/benchmarks.md (auto: only in full mode)")  # fmt: skip
    parser.add_argument("--workdir", default=str(HERE / ".envs" / "work"))
    parser.add_argument("--render", metavar="JSON", help="only rewrite the Markdown of a run")
    args = parser.parse_args()
    if args.render:
        data = json.loads(Path(args.render).read_text(encoding="utf-8"))
        publish(
            data, None, write_docs=args.docs == "yes" or (args.docs == "auto" and not data["quick"])
        )
        return
    rounds = args.rounds or (1 if args.quick else 5)
    pythons = {
        "raw": args.agentparts_python,
        "agentparts": args.agentparts_python,
        "autogen": args.autogen_python,
    }
    only = {key for key in args.only.split(",") if key}
    scenarios = [
        s for s in SCENARIO_LIST if (not only or s.key in only) and (s.quick or not args.quick)
    ]
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    machine = machine_info(pythons)  # before the run: the commit that is measured
    server, base_url = start_server(args.agentparts_python)
    print(f"==> model server at {base_url}", file=sys.stderr)
    # The Anthropic and Ollama scenarios find their servers through the environment.
    anthropic_server, os.environ["BENCH_ANTHROPIC_URL"] = start_server(
        args.agentparts_python, "anthropic"
    )
    ollama_server, os.environ["BENCH_OLLAMA_URL"] = start_server(args.agentparts_python, "ollama")
    results: list[dict[str, Any]] = []
    clock = time.perf_counter()
    try:
        if any(s.key == "search" for s in scenarios):
            corpus = [str(SCENARIOS / "search.py"), "--impl", "raw", "--prepare"]
            subprocess.run(
                [pythons["raw"], *corpus, "--files", "10000", "--workdir", str(workdir)],
                check=True,
            )
        with LoadSampler() as load:
            skip: set[tuple[str, str]] = set()
            for round_index in range(rounds):
                order = IMPLS[round_index % 3 :] + IMPLS[: round_index % 3]
                for scenario in scenarios:
                    if round_index >= scenario.rounds:
                        continue
                    common = ["--base-url", base_url, "--workdir", str(workdir)]
                    if args.quick:
                        common.append("--quick")
                    for impl in order:
                        if impl not in scenario.impls or (scenario.key, impl) in skip:
                            continue
                        result = run_one(scenario, impl, pythons, common)
                        results.append(result)
                        status = result["status"]
                        if status == "not_measured":
                            skip.add((scenario.key, impl))  # no API: no need to ask again
                        reason = f": {result.get('reason', '')}" if status != "ok" else ""
                        print(
                            f"  round {round_index + 1}/{rounds} {scenario.key:20} "
                            f"{impl:10} {result.get('process_s', 0):6.1f}s {status}"
                            f"{reason[:150]}",
                            file=sys.stderr,
                        )
    finally:
        for process in (server, anthropic_server, ollama_server):
            process.terminate()
            process.wait(timeout=10)
    data: dict[str, Any] = {
        "started": started.strftime("%Y-%m-%d %H:%M"),
        "duration_s": round(time.perf_counter() - clock, 1),
        "quick": args.quick,
        "rounds": rounds,
        "machine": machine,
        "load": load.summary(),
        "results": results,
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ") + ("-quick" if args.quick else "")
    write_docs = args.docs == "yes" or (args.docs == "auto" and not args.quick and not only)
    publish(data, stamp, write_docs)


def publish(data: dict[str, Any], stamp: str | None, write_docs: bool) -> None:
    """Write the JSON (unless re-rendering), the Markdown, and docs/benchmarks.md if asked."""
    table = summarize(data["results"])
    data["summary"] = {
        scenario: {impl: {"status": e["status"], "stats": e["stats"]} for impl, e in d.items()}
        for scenario, d in table.items()
    }
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    if stamp is not None:
        json_text = json.dumps(data, indent=1)
        (out_dir / f"{stamp}.json").write_text(json_text, encoding="utf-8")
        (out_dir / "latest.json").write_text(json_text, encoding="utf-8")
        print(f"==> {out_dir / (stamp + '.json')}", file=sys.stderr)
    markdown = out_dir / "latest.md"
    missed = write_markdown(data, table, markdown)
    if write_docs:
        shutil.copyfile(markdown, ROOT / "docs" / "benchmarks.md")
    print(markdown.read_text(encoding="utf-8").split("## The model server")[0])
    print(f"==> {markdown}", file=sys.stderr)
    if write_docs:
        print("==> docs/benchmarks.md updated", file=sys.stderr)
    if missed:
        print(f"==> targets missed: {', '.join(missed)}", file=sys.stderr)


if __name__ == "__main__":
    main()
