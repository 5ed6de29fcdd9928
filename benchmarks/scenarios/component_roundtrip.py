"""Dump + load round trip of a nested component (``--what nested``) or an agent config.

``nested``: a ``StaticWorkbench`` holding two ``FunctionTool`` s. ``agent``: an
``AssistantAgent`` with an OpenAI-compatible model client, a tool and a buffered model
context. One sample is ``dump_component()`` -> plain dict -> ``load_component(dict)``. The raw
baseline is the same shape as plain Pydantic models (``model_dump`` + ``model_validate``).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from _common import API_KEY, MODEL, SYSTEM, add, metric, parse_args, require, run, time_sync


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
    cls = type(obj)
    return lambda: cls.model_validate(obj.model_dump())


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
    cls = type(obj)

    def round_trip() -> Any:
        data = obj.dump_component().model_dump()
        loaded = cls.load_component(data)
        assert type(loaded) is cls
        return loaded

    return round_trip


def measure(impl: str, what: str, quick: bool) -> dict[str, Any]:
    warnings.simplefilter("ignore")  # AutoGen warns on every FunctionTool load
    fn = raw_round_trip(what) if impl == "raw" else framework_round_trip(impl, what)
    samples = time_sync(fn, iterations=200 if quick else 1000, warmup=10 if quick else 50)
    return {"round_trip": metric("ms", samples)}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--what", choices=("nested", "agent"), default="nested"),
    )
    run(f"roundtrip_{args.what}", args.impl, lambda: measure(args.impl, args.what, args.quick))


if __name__ == "__main__":
    main()
