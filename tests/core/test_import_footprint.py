"""What the public import statements load: each one leaves out what its first use needs.

Structural checks only (which modules are in ``sys.modules``), never a timing: the import
figures themselves are ``scripts/bench`` rows (benchmarks/scenarios/import_time.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    script = (
        f"import sys\n{statement}\nfound = sorted(set(sys.modules) & {set(modules)!r})\n"
        "import json\nprint(json.dumps(found))\n"  # (json after the count: it is one of them)
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def test_the_loader_import_leaves_pydantics_model_machinery_to_the_first_load() -> None:
    # pydantic.main alone costs about 40% of ``import asyncio, pydantic``.
    heavy = (
        "agentparts._component_model",
        "agentparts._limits",
        "agentparts._references",
        "json",
        "pydantic.main",
        "pydantic.types",
    )
    assert _loaded_after("from agentparts import ComponentLoader", heavy) == []


def test_the_loader_still_loads_and_saves_after_a_bare_import() -> None:
    statement = (
        "from agentparts import ComponentLoader\n"
        "from agentparts.conditions import MaxMessageTermination\n"
        "model = MaxMessageTermination(3).dump_component()\n"
        "loaded = ComponentLoader.load_component(model.model_dump())\n"
        "assert isinstance(loaded, MaxMessageTermination), loaded\n"
        "assert loaded.dump_component() == model\n"
    )
    assert _loaded_after(statement, ("pydantic.main",)) == ["pydantic.main"]


def test_the_team_import_leaves_out_the_state_models_and_the_model_client() -> None:
    heavy = (
        "agentparts.base._handoff",
        "agentparts.models._client",
        "agentparts.state",
        "agentparts.state._states",
        "json",
    )
    assert _loaded_after("from agentparts.teams import RoundRobinGroupChat", heavy) == []


def test_the_requirement_helpers_and_list_memory_load_on_first_use() -> None:
    heavy = (
        "agentparts.code_executor._func_with_reqs",
        "agentparts.code_executor._markdown",
        "agentparts.memory._list_memory",
    )
    assert _loaded_after("import agentparts.messages", heavy) == []
    assert _loaded_after("from agentparts.code_executor import with_requirements", heavy) == [
        "agentparts.code_executor._func_with_reqs"
    ]


# What users import, measured by scripts/bench against ``import asyncio, pydantic`` (plus
# httpx for the model clients): none of it defines or imports a Pydantic model. The model
# machinery (``pydantic.main``) costs about 85% of that baseline on its own; it loads with the
# first message, config or result built (checked below).
_MODEL_FREE_IMPORTS = (
    "from agentparts.teams import RoundRobinGroupChat",
    "from agentparts.teams import DiGraphBuilder, GraphFlow, MagenticOneGroupChat",
    "from agentparts.teams import SelectorGroupChat, Swarm",
    "from agentparts.conditions import MaxMessageTermination, TextMentionTermination",
    "from agentparts.agents import AssistantAgent",
    "from agentparts.agents import CodeExecutorAgent, SocietyOfMindAgent, UserProxyAgent",
    "from agentparts.base import ChatAgent, Team, TerminationCondition",
    "from agentparts.model_context import BufferedChatCompletionContext",
    "from agentparts.models import ChatCompletionClient, ModelFamily, ModelInfo",
    "from agentparts.models.openai import OpenAIChatCompletionClient",
    "from agentparts.models.openai import AzureOpenAIChatCompletionClient",
    "from agentparts.models.anthropic import AnthropicChatCompletionClient",
    "from agentparts.models.ollama import OllamaChatCompletionClient",
    "from agentparts.models.azure import AzureAIChatCompletionClient",
    "from agentparts import SingleThreadedAgentRuntime, RoutedAgent",
)


@pytest.mark.parametrize("statement", _MODEL_FREE_IMPORTS)
def test_what_users_import_defines_no_pydantic_model(statement: str) -> None:
    assert _loaded_after(statement, ("pydantic.main",)) == []


def test_the_first_message_loads_the_model_machinery_and_works() -> None:
    statement = (
        "from agentparts.teams import RoundRobinGroupChat\n"
        "from agentparts.agents import AssistantAgent\n"
        "from agentparts.conditions import MaxMessageTermination\n"
        "from agentparts.models.replay import ReplayChatCompletionClient\n"
        "import asyncio\n"
        "agent = AssistantAgent('a', ReplayChatCompletionClient(['hi', 'there']))\n"
        "team = RoundRobinGroupChat([agent], termination_condition=MaxMessageTermination(3))\n"
        "result = asyncio.run(team.run(task='go'))\n"
        "assert [m.content for m in result.messages] == ['go', 'hi', 'there'], result\n"
        "assert RoundRobinGroupChat.load_component(team.dump_component()) is not None\n"
    )
    assert _loaded_after(statement, ("pydantic.main",)) == ["pydantic.main"]
