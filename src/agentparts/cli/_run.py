"""``agentparts run CONFIG --task TEXT``: load an agent or a team from a config file and run it."""

from __future__ import annotations

import argparse
from typing import Any

from ._util import (
    CommandContext,
    CommandError,
    add_allow_option,
    add_common_options,
    add_load_options,
)

__all__ = ["add_run_options", "register"]


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``demo`` share: task, streaming, JSON output."""
    parser.add_argument(
        "--task",
        "-t",
        metavar="TEXT",
        help="What the agent should do (default: read from standard input).",
    )
    parser.add_argument(
        "--stream",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="Stream the model's tokens as they come (default: as the config says).",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="Print one JSON object per message or event (JSON Lines), then a TaskResult line.",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``run`` command."""
    run = subparsers.add_parser(
        "run",
        help="Run an agent or a team from a JSON or YAML component config.",
        description="Load an agent or a team from a component config (safely: only allowed "
        "providers are imported) and run it on a task, printing its messages as they come. "
        "A UserProxyAgent in a team asks on the terminal.",
    )
    add_common_options(run)
    add_allow_option(run)
    add_load_options(run)
    run.add_argument(
        "config", metavar="CONFIG", help="An agent or team config (.json, .yaml or .yml)."
    )
    add_run_options(run)
    run.set_defaults(handler=_run)


def load_agent(
    path: str,
    allow: list[str],
    stream: bool | None,
    *,
    allow_env: list[str] | None = None,
    untrusted: bool = False,
    unsafe_exec_source_tools_on_host: bool = False,
) -> Any:
    """Load the agent (or a model client, wrapped in an assistant) that ``path`` describes."""
    from pathlib import Path

    from .._component import ComponentLoader, _as_component_model
    from .._providers import resolve_provider

    if not Path(path).is_file():
        raise CommandError(
            f"Config file {path} does not exist. Give the path of an agent config, for "
            "example examples/local_agent.yaml."
        )
    model = _as_component_model(Path(path))
    if (
        stream is not None
        and resolve_provider(model.provider) == "agentparts.agents.AssistantAgent"
    ):
        model.config["model_client_stream"] = stream
    component: Any = ComponentLoader.load_component(
        model,
        allowed_providers=allow,
        allowed_env=allow_env,
        untrusted=untrusted,
        unsafe_exec_source_tools_on_host=unsafe_exec_source_tools_on_host,
    )
    from ..models import ChatCompletionClient

    if isinstance(component, ChatCompletionClient):
        from ..agents import AssistantAgent

        return AssistantAgent("assistant", component, model_client_stream=stream is not False)
    return component


def _run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from ._runner import read_task, run_agent

    task = read_task(args.task)
    agent = load_agent(
        args.config,
        args.allow,
        args.stream,
        allow_env=args.allow_env,
        untrusted=args.untrusted,
        unsafe_exec_source_tools_on_host=args.unsafe_exec_source_tools_on_host,
    )
    return run_agent(agent, task, ctx, as_json=args.json)
