"""Dump + load round trip of a nested component (``--what nested``), an agent or a team config.

``nested``: a ``StaticWorkbench`` holding two ``FunctionTool`` s. ``agent``: an
``AssistantAgent`` with an OpenAI-compatible model client, a tool and a buffered model
context. ``team``: a ``RoundRobinGroupChat`` of three ``AssistantAgent`` s (each with the
OpenAI-compatible client) ended by ``MaxMessageTermination(10) | TextMentionTermination``.
One sample is ``dump_component()`` -> plain dict -> ``load_component(dict)``. The raw
baseline is the same shape as plain Pydantic models (``model_dump`` + ``model_validate``).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from _common import API_KEY, MODEL, SYSTEM, add, metric, parse_args, require, run, time_sync

TEAM = ("planner", "writer", "critic")


def multiply(a: int, b: int) -> int:
    """Multiply two integers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a * b


def raw_round_trip(what: str) -> Any:
    from pydantic import BaseModel

    class ToolConfig(BaseModel):
        function: str
        name: str
        description: str
        strict: bool = False

    class ToolModel(BaseModel):
        provider: str
        component_type: str = "tool"
        version: int = 1
        config: ToolConfig

    class WorkbenchConfig(BaseModel):
        tools: list[ToolModel]

    class WorkbenchModel(BaseModel):
        provider: str
        component_type: str = "workbench"
        config: WorkbenchConfig

    class ClientConfig(BaseModel):
        model: str
        base_url: str
        api_key: str

    class ClientModel(BaseModel):
        provider: str
        component_type: str = "model"
        config: ClientConfig

    class AgentConfig(BaseModel):
        name: str
        system_message: str
        model_client: ClientModel
        workbench: list[WorkbenchModel]
        model_context: dict[str, Any]

    class AgentModel(BaseModel):
        provider: str
        component_type: str = "agent"
        config: AgentConfig

    def tool(fn: Any) -> ToolModel:
        config = ToolConfig(function=f"_common:{fn.__name__}", name=fn.__name__, description="x")
        return ToolModel(provider="FunctionTool", config=config)

    workbench = WorkbenchModel(
        provider="StaticWorkbench", config=WorkbenchConfig(tools=[tool(add), tool(multiply)])
    )
    obj: BaseModel = workbench
    if what == "agent":
        client = ClientModel(
            provider="OpenAIChatCompletionClient",
            config=ClientConfig(model=MODEL, base_url="http://127.0.0.1:1/v1", api_key=API_KEY),
        )
        obj = AgentModel(
            provider="AssistantAgent",
            config=AgentConfig(
                name="assistant",
                system_message=SYSTEM,
                model_client=client,
                workbench=[workbench],
                model_context={"provider": "Buffered", "config": {"buffer_size": 10}},
            ),
        )
    if what == "team":
        obj = _raw_team(
            BaseModel,
            ClientModel(
                provider="OpenAIChatCompletionClient",
                config=ClientConfig(model=MODEL, base_url="http://127.0.0.1:1/v1", api_key=API_KEY),
            ),
        )
    cls = type(obj)
    return lambda: cls.model_validate(obj.model_dump())


def _raw_team(base: Any, client: Any) -> Any:
    """The team's saved shape as plain Pydantic models (``base`` is ``BaseModel``)."""

    class AgentConfig(base):
        name: str
        description: str
        system_message: str
        model_client: type(client)
        model_client_stream: bool = False
        reflect_on_tool_use: bool = False

    class AgentModel(base):
        provider: str
        component_type: str = "agent"
        config: AgentConfig

    class MaxConfig(base):
        max_messages: int
        include_agent_event: bool = False

    class MaxModel(base):
        provider: str
        component_type: str = "termination"
        config: MaxConfig

    class TextConfig(base):
        text: str

    class TextModel(base):
        provider: str
        component_type: str = "termination"
        config: TextConfig

    class OrConfig(base):
        conditions: list[MaxModel | TextModel]

    class OrModel(base):
        provider: str
        component_type: str = "termination"
        config: OrConfig

    class TeamConfig(base):
        name: str
        description: str
        participants: list[AgentModel]
        termination_condition: OrModel
        max_turns: int | None = None
        emit_team_events: bool = False

    class TeamModel(base):
        provider: str
        component_type: str = "team"
        config: TeamConfig

    participants = [
        AgentModel(
            provider="AssistantAgent",
            config=AgentConfig(
                name=name, description="An agent.", system_message=SYSTEM, model_client=client
            ),
        )
        for name in TEAM
    ]
    condition = OrModel(
        provider="OrTerminationCondition",
        config=OrConfig(
            conditions=[
                MaxModel(provider="MaxMessageTermination", config=MaxConfig(max_messages=10)),
                TextModel(provider="TextMentionTermination", config=TextConfig(text="STOP")),
            ]
        ),
    )
    config = TeamConfig(
        name="team",
        description="A team.",
        participants=participants,
        termination_condition=condition,
    )
    return TeamModel(provider="RoundRobinGroupChat", config=config)


def framework_round_trip(impl: str, what: str) -> Any:
    if impl == "agentparts":
        tools = require("agentparts.tools", "FunctionTool", "StaticWorkbench")
    else:
        tools = require("autogen_core.tools", "FunctionTool", "StaticWorkbench")
    tool_list = [tools.FunctionTool(add, "Add two integers."), tools.FunctionTool(multiply, "x")]
    obj: Any = tools.StaticWorkbench(tool_list)
    if what == "agent":
        if impl == "agentparts":
            openai = require("agentparts.models.openai", "OpenAIChatCompletionClient")
            agents = require("agentparts.agents", "AssistantAgent")
            contexts = require("agentparts.model_context", "BufferedChatCompletionContext")
        else:
            openai = require("autogen_ext.models.openai", "OpenAIChatCompletionClient")
            agents = require("autogen_agentchat.agents", "AssistantAgent")
            contexts = require("autogen_core.model_context", "BufferedChatCompletionContext")
        # The key comes from the environment, as it should: agentparts saves a reference
        # to the variable (a key given in code is masked on dump and cannot load again).
        os.environ["OPENAI_API_KEY"] = API_KEY
        client = openai.OpenAIChatCompletionClient(model=MODEL, base_url="http://127.0.0.1:1/v1")
        obj = agents.AssistantAgent(
            "assistant",
            model_client=client,
            tools=tool_list,
            model_context=contexts.BufferedChatCompletionContext(buffer_size=10),
            system_message=SYSTEM,
        )
    if what == "team":
        obj = _framework_team(impl)
    cls = type(obj)

    def round_trip() -> Any:
        data = obj.dump_component().model_dump()
        loaded = cls.load_component(data)
        assert type(loaded) is cls
        return loaded

    return round_trip


def _framework_team(impl: str) -> Any:
    root = (
        ("agentparts",) * 3
        if impl == "agentparts"
        else ("autogen_ext", "autogen_agentchat", "autogen_agentchat")
    )
    openai = require(f"{root[0]}.models.openai", "OpenAIChatCompletionClient")
    agents = require(f"{root[1]}.agents", "AssistantAgent")
    teams = require(f"{root[1]}.teams", "RoundRobinGroupChat")
    conditions = require(f"{root[2]}.conditions", "MaxMessageTermination", "TextMentionTermination")
    os.environ["OPENAI_API_KEY"] = API_KEY  # saved as a reference (see above)
    client = openai.OpenAIChatCompletionClient(model=MODEL, base_url="http://127.0.0.1:1/v1")
    participants = [
        agents.AssistantAgent(name, model_client=client, system_message=SYSTEM) for name in TEAM
    ]
    condition = conditions.MaxMessageTermination(10) | conditions.TextMentionTermination("STOP")
    return teams.RoundRobinGroupChat(participants, termination_condition=condition)


def measure(impl: str, what: str, quick: bool) -> dict[str, Any]:
    warnings.simplefilter("ignore")  # AutoGen warns on every FunctionTool load
    fn = raw_round_trip(what) if impl == "raw" else framework_round_trip(impl, what)
    samples = time_sync(fn, iterations=200 if quick else 1000, warmup=10 if quick else 50)
    return {"round_trip": metric("ms", samples)}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--what", choices=("nested", "agent", "team"), default="nested"),
    )
    run(f"roundtrip_{args.what}", args.impl, lambda: measure(args.impl, args.what, args.quick))


if __name__ == "__main__":
    main()
