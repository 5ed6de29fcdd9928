"""``agentparts demo``: an assistant with tools, then a small team (a writer and a critic)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ._run import add_run_options
from ._util import CommandContext, add_common_options

__all__ = ["DEFAULT_TASK", "TEAM_TASK", "calculator", "register"]

DEFAULT_TASK = "What is 1234 * 5678?"
SYSTEM_MESSAGE = (
    "You are a helpful assistant. Use the calculator for arithmetic, the docs search for "
    "questions about agentparts, and Python for anything that needs code."
)
TEAM_TASK = "Write a haiku about tea."
WRITER_MESSAGE = "You are a poet. Write only the poem."
CRITIC_MESSAGE = "You are a critic. Rate the poem from 1 to 10 and give one reason in one sentence."
TEAM_MAX_MESSAGES = 3  # the task, the poem, the review


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``demo`` command."""
    demo = subparsers.add_parser(
        "demo",
        help="Run a demo assistant (calculator, docs search, sandboxed Python), then a small "
        "team, on a local model.",
        description="Run an assistant with a calculator tool, a search tool over the project's "
        "docs and a sandboxed Python tool, then a small team (a writer and a critic taking "
        f"turns in a RoundRobinGroupChat) on {TEAM_TASK!r}. It uses the embedded offline model "
        "(SmolLM2-135M), or the OpenAI-compatible endpoint in OPENAI_BASE_URL / OPENAI_API_KEY "
        "when both are set (model: OPENAI_MODEL, default gpt-4o-mini). Default task: "
        f"{DEFAULT_TASK!r}.",
    )
    add_common_options(demo)
    add_run_options(demo)
    demo.add_argument(
        "--docs", metavar="DIR", help="The folder the search tool indexes (default: docs/)."
    )
    demo.add_argument(
        "--local", action="store_true", help="Use the embedded model even if OPENAI_* are set."
    )
    demo.add_argument(
        "--no-team", action="store_true", help="Run only the assistant, not the team after it."
    )
    demo.set_defaults(handler=_demo)


def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression such as '1234 * 5678' or '(2 + 3) ** 2 / 4'."""
    from ._calculator import evaluate

    return evaluate(expression)


def _docs_folder(given: str | None) -> Path | None:
    if given:
        return Path(given)
    for candidate in (Path.cwd() / "docs", Path(__file__).resolve().parents[3] / "docs"):
        if candidate.is_dir():
            return candidate
    return None


def _model_client(ctx: CommandContext, force_local: bool, *, team: bool = False) -> Any:
    base_url = os.environ.get("OPENAI_BASE_URL")
    api_key = os.environ.get("OPENAI_API_KEY")
    if base_url and api_key and not force_local:
        from ..errors import ModelInfoRequiredError
        from ..models.openai import OpenAIChatCompletionClient

        model = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
        if not team:
            ctx.err(
                f"Using the OpenAI-compatible endpoint {base_url} (model {model}) because "
                "OPENAI_BASE_URL and OPENAI_API_KEY are set. Pass --local for the embedded model."
            )
        try:
            return OpenAIChatCompletionClient(model=model, base_url=base_url)
        except ModelInfoRequiredError:
            # An endpoint's own model (vLLM, Ollama...): assume it calls tools, as the demo needs.
            if not team:
                ctx.err(f"Model {model} is not one agentparts knows: assuming it can call tools.")
            return OpenAIChatCompletionClient(
                model=model,
                base_url=base_url,
                model_info={
                    "vision": False,
                    "function_calling": True,
                    "json_output": True,
                    "family": "unknown",
                    "structured_output": False,
                },
            )
    from ..models.llama_cpp import LlamaCppChatCompletionClient

    if team:  # short free-text turns; a light repeat penalty keeps the tiny model from looping
        return LlamaCppChatCompletionClient(
            n_threads=os.cpu_count() or 1, n_ctx=2048, max_tokens=60, repeat_penalty=1.1
        )
    client = LlamaCppChatCompletionClient(n_threads=os.cpu_count() or 1, n_ctx=4096)
    ctx.err(
        f"Using the embedded offline model {client.model} (small and fast, not smart). Set "
        "OPENAI_BASE_URL and OPENAI_API_KEY to use an OpenAI-compatible endpoint instead."
    )
    return client


def _tools(ctx: CommandContext, docs: Path | None) -> list[Any]:
    from ..tools import FunctionTool

    tools: list[Any] = [FunctionTool(calculator, description=calculator.__doc__ or "")]
    if docs is not None and docs.is_dir():
        try:
            from ..tools.search import SearchTool

            tools.append(
                SearchTool(
                    docs,
                    name="search_docs",
                    description="Search the agentparts documentation by words or phrases.",
                )
            )
        except Exception as exc:  # the demo still runs without this tool
            ctx.err(f"Note: no docs search tool ({type(exc).__name__}: {exc}).")
    else:
        ctx.err("Note: no docs/ folder here, so no docs search tool (use --docs DIR).")
    try:
        from ..code_executors.sandbox import SandboxedCodeExecutor
        from ..tools import PythonCodeExecutionTool

        tools.append(PythonCodeExecutionTool(SandboxedCodeExecutor()))
    except Exception as exc:  # e.g. bubblewrap is missing: never fall back to no sandbox
        ctx.err(f"Note: no Python tool ({type(exc).__name__}: {exc}).")
    return tools


def _demo(args: argparse.Namespace, ctx: CommandContext) -> int:
    from ..agents import AssistantAgent
    from ._runner import run_agent

    task = args.task if args.task is not None else DEFAULT_TASK
    client = _model_client(ctx, args.local)
    agent = AssistantAgent(
        "assistant",
        client,
        tools=_tools(ctx, _docs_folder(args.docs)),
        system_message=SYSTEM_MESSAGE,
        reflect_on_tool_use=True,
        model_client_stream=args.stream is not False,
    )
    agent.owns_parts = True  # the run's end stops the sandbox and frees the model
    code = run_agent(agent, task, ctx, as_json=args.json)
    if code != 0 or args.no_team:
        return code
    if not args.json:
        ctx.out(
            "\n========== A small team: a writer and a critic take turns (RoundRobinGroupChat, "
            f"MaxMessageTermination({TEAM_MAX_MESSAGES})) =========="
        )
    return run_agent(
        _team(_model_client(ctx, args.local, team=True)), TEAM_TASK, ctx, as_json=args.json
    )


def _team(client: Any) -> Any:
    """A writer and a critic sharing one model client (one model in memory)."""
    from ..agents import AssistantAgent
    from ..conditions import MaxMessageTermination
    from ..teams import RoundRobinGroupChat

    writer = AssistantAgent("writer", client, system_message=WRITER_MESSAGE)
    critic = AssistantAgent("critic", client, system_message=CRITIC_MESSAGE)
    writer.owns_parts = True  # closing the team closes the shared client, once
    return RoundRobinGroupChat(
        [writer, critic], termination_condition=MaxMessageTermination(TEAM_MAX_MESSAGES)
    )
