"""agentparts' Pydantic models build their validators on first use, and an agent turn
builds none: a validator costs 60-150 KB a model, so building the ~50 models at import
(or at every run) would cost more memory than hundreds of running agents."""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import subprocess
import sys

from pydantic import BaseModel

import agentparts
from agentparts.testing import OpenAITestServer

# Modules whose optional dependency may be missing (they raise a clear ImportError then).
_OPTIONAL = ("agentparts.models.llama_cpp", "agentparts.code_executors.jupyter")


def _all_subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def _defined_in_its_module(model: type[BaseModel]) -> bool:
    found: object = sys.modules.get(model.__module__)
    for part in model.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is model


def test_every_model_of_the_package_defers_its_build() -> None:
    for module in pkgutil.walk_packages(agentparts.__path__, "agentparts."):
        if module.name.endswith(".__main__"):
            continue  # runs the CLI
        try:
            importlib.import_module(module.name)
        except ImportError:
            assert module.name.startswith(_OPTIONAL), module.name
    # Classes the package defines, not models made at run time (schema_to_pydantic_model
    # builds them inside agentparts.utils for a caller, once other tests have run).
    models = [
        m
        for m in _all_subclasses(BaseModel)
        if m.__module__.startswith("agentparts.") and _defined_in_its_module(m)
    ]
    assert len(models) > 40
    eager = sorted(
        f"{m.__module__}.{m.__qualname__}" for m in models if not m.model_config.get("defer_build")
    )
    assert eager == [], "add ConfigDict(defer_build=True) to these models"


_ONE_TURN = """
import asyncio, json, sys
from pydantic import BaseModel
from agentparts.agents import AssistantAgent
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.tools import FunctionTool


def add(a: int, b: int) -> int:
    return a + b


def built() -> list[str]:
    todo, names = list(BaseModel.__subclasses__()), []
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.__module__.startswith("agentparts") and model.__pydantic_complete__:
            names.append(model.__name__)
    return sorted(names)


async def main() -> None:
    client = OpenAIChatCompletionClient("gpt-4o", base_url=sys.argv[1], api_key="sk-test")
    FunctionTool(add)  # made, not offered: its args model stays unbuilt
    agent = AssistantAgent("assistant", client, system_message="Be brief.")
    result = await agent.run(task="Say hello.")
    await client.close()
    print(json.dumps({"reply": result.messages[-1].to_text(), "built": built()}))


asyncio.run(main())
"""


async def test_a_one_turn_agent_run_builds_no_validator() -> None:
    async with OpenAITestServer(["Hello!"]) as server:
        process = await _run_python(_ONE_TURN, server.base_url)
    assert process["reply"] == "Hello!"
    assert process["built"] == []


async def _run_python(code: str, *args: str) -> dict[str, object]:
    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    output = await asyncio.to_thread(run)
    return json.loads(output.strip().splitlines()[-1])
