"""Running an agent for the CLI: the model-loading progress, rendering, clean shutdown."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from typing import Any, TextIO

from ._util import CommandContext, CommandError

_logger = logging.getLogger(__name__)

__all__ = ["close_agent", "load_local_models", "read_task", "run_agent"]


def read_task(task: str | None, stdin: TextIO | None = None) -> str:
    """The task text: ``--task``, else standard input (a prompt in a terminal)."""
    if task is not None:
        if not task.strip():
            raise CommandError("The task is empty: give --task 'what the agent should do'.", 2)
        return task
    source = stdin or sys.stdin
    if source is None or source.closed:
        raise CommandError("No task: give --task TEXT or pipe the task on standard input.", 2)
    if source.isatty():
        try:
            text = input("Task: ")
        except EOFError:
            text = ""
    else:
        text = source.read()
    if not text.strip():
        raise CommandError("No task: give --task TEXT or pipe the task on standard input.", 2)
    return text.strip()


def _model_clients(agent: Any) -> list[Any]:
    client = getattr(agent, "model_client", None)
    return [client] if client is not None else []


def load_local_models(agent: Any, ctx: CommandContext) -> None:
    """Load in-process models now, showing progress, so the run itself starts at once."""
    for client in _model_clients(agent):
        load = getattr(client, "load", None)
        if not callable(load) or getattr(client, "is_loaded", True):
            continue
        path = getattr(client, "model_path", "the model")
        message = f"Loading local model {getattr(path, 'name', path)}"
        start = time.perf_counter()
        if ctx.stderr.isatty():
            from rich.console import Console as RichConsole

            with RichConsole(file=ctx.stderr).status(message + " ..."):
                load()
        else:
            load()
        if ctx.debug or ctx.stderr.isatty():
            ctx.err(f"{message}: done in {time.perf_counter() - start:.1f} s.")


async def close_agent(agent: Any) -> None:
    """Close the agent; the CLI's agents own their parts, so that stops them all."""
    close = getattr(agent, "close", None)
    if close is not None:
        try:
            await close()
        except Exception:  # must not hide the run's own outcome, but is not kept silent
            _logger.warning("Closing the agent failed; its parts may still run.", exc_info=True)


def _json_line(item: Any) -> dict[str, Any]:
    dump: Any = getattr(item, "dump", None)
    if dump is not None:
        data: dict[str, Any] = dict(dump())
        data.setdefault("type", type(item).__name__)
        return data
    return {"type": type(item).__name__}


async def _run_json(agent: Any, task: str, out: TextIO) -> Any:
    from ..base import TaskResult

    start = time.perf_counter()
    prompt = completion = 0
    result: Any = None
    async for item in agent.run_stream(task=task):
        if isinstance(item, TaskResult):
            result = item
            continue
        usage = getattr(item, "models_usage", None)
        if usage is not None:
            prompt += usage.prompt_tokens
            completion += usage.completion_tokens
        out.write(json.dumps(_json_line(item), default=str) + "\n")
        out.flush()
    if result is not None:
        final = {
            "type": "TaskResult",
            "stop_reason": result.stop_reason,
            "messages": len(result.messages),
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion},
            "duration": round(time.perf_counter() - start, 3),
        }
        out.write(json.dumps(final) + "\n")
        out.flush()
    return result


async def _run(agent: Any, task: str, ctx: CommandContext, as_json: bool) -> Any:
    try:
        if as_json:
            return await _run_json(agent, task, ctx.stdout)
        from ..ui import Console

        return await Console(agent.run_stream(task=task), file=ctx.stdout)
    finally:
        await close_agent(agent)


def run_agent(agent: Any, task: str, ctx: CommandContext, *, as_json: bool) -> int:
    """Run ``agent`` on ``task`` and print it; returns the exit code.

    Ctrl-C cancels the run: tools and executors are cancelled (their processes killed),
    the model stops at its next token, and :class:`KeyboardInterrupt` reaches ``main``.
    """
    if not callable(getattr(agent, "run_stream", None)):
        raise CommandError(
            f"The config loads a {type(agent).__name__}, which is not an agent (it has no "
            "run_stream). Give an agent config, such as examples/local_agent.yaml."
        )
    load_local_models(agent, ctx)
    result = asyncio.run(_run(agent, task, ctx, as_json))
    return 0 if result is not None else 1
