"""What the stacks users import pull in (the import rows of scripts/bench measure them)."""

from __future__ import annotations

import subprocess
import sys

AGENT_STACK = (
    "from agentparts.agents import AssistantAgent\n"
    "from agentparts.models.openai import OpenAIChatCompletionClient"
)


def loaded_after(statement: str, modules: list[str]) -> list[str]:
    code = f"import sys\n{statement}\nprint(','.join(m for m in {modules!r} if m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [m for m in output.stdout.strip().split(",") if m]


def test_the_loader_loads_no_http_client_yaml_console_or_tokenizer() -> None:
    heavy = ["httpx", "yaml", "rich", "bpe_openai", "asyncio", "agentparts.agents"]
    assert loaded_after("from agentparts import ComponentLoader", heavy) == []


def test_the_assistant_loads_only_its_own_agent_module() -> None:
    others = [
        "agentparts.agents._code_executor_agent",
        "agentparts.agents._message_filter_agent",
        "agentparts.agents._society_of_mind_agent",
        "agentparts.agents._user_proxy_agent",
    ]
    assert loaded_after("from agentparts.agents import AssistantAgent", others) == []
    # Each name still works, and loads its module on first use.
    assert loaded_after("from agentparts.agents import UserProxyAgent", others) == [
        "agentparts.agents._user_proxy_agent"
    ]


def test_the_agent_stack_loads_no_yaml_console_tokenizer_teams_or_sandbox() -> None:
    heavy = [
        "yaml",
        "bpe_openai",
        "openai",
        "agentparts.teams",
        "agentparts.code_executors.sandbox",
        "agentparts.tools.mcp",
        "agentparts.ui",
    ]
    assert loaded_after(AGENT_STACK, heavy) == []


def test_the_runtime_loads_no_http_client_or_agents() -> None:
    heavy = ["httpx", "yaml", "rich", "agentparts.agents", "agentparts.models.openai"]
    statement = "from agentparts import SingleThreadedAgentRuntime, RoutedAgent"
    assert loaded_after(statement, heavy) == []


def test_a_team_loads_only_its_own_team_module() -> None:
    others = [
        "agentparts.teams._group_chat._selector",
        "agentparts.teams._group_chat._swarm",
        "agentparts.teams._graph._graph_flow",
        "agentparts.teams._magentic_one._magentic_one",
        "agentparts.models.openai",
        "httpx",
    ]
    assert loaded_after("from agentparts.teams import RoundRobinGroupChat", others) == []
