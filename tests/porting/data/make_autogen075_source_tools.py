"""How autogen075_assistant_source_tools.json and autogen075_source_tool_schemas.json were
made (not a test): an AutoGen 0.7.5 agent with two FunctionTools, and their schemas.

Run with the AutoGen 0.7.5 venv that ``scripts/bench`` creates, from this folder:

    OPENAI_API_KEY=sk-unused ../../../benchmarks/.envs/autogen/bin/python -W ignore \
        make_autogen075_source_tools.py .

AutoGen 0.7.5 saves each ``FunctionTool`` as its source code with its global imports,
inside the agent's ``StaticWorkbench``. The file is AutoGen's ``dump_component()`` output,
unedited; the tests replace the placeholder ``base_url``. The schemas are what AutoGen
tells a model about each tool, to compare with what agentparts reads from the source.
"""

import asyncio
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

from autogen_agentchat.agents import AssistantAgent
from autogen_core import CancellationToken
from autogen_core.code_executor import ImportFromModule
from autogen_core.tools import FunctionTool
from autogen_ext.models.openai import OpenAIChatCompletionClient


def word_stats(text: Annotated[str, "The text to measure"], top: int = 2) -> dict[str, object]:
    """Count the words of a text and name the most common ones."""
    words = re.findall(r"[a-z']+", text.lower())
    return {"words": len(words), "top": [w for w, _ in Counter(words).most_common(top)]}


async def slow_echo(text: str, seconds: float, cancellation_token: CancellationToken) -> str:
    """Wait, then give the text back."""
    await asyncio.sleep(seconds)
    return text


def main(out: Path) -> None:
    tools = [
        FunctionTool(
            word_stats,
            description="Word statistics of a text.",
            global_imports=[
                "re",
                ImportFromModule("collections", ("Counter",)),
                ImportFromModule("typing", ("Annotated",)),
            ],
        ),
        FunctionTool(
            slow_echo,
            description="Echo after a delay.",
            global_imports=["asyncio", ImportFromModule("autogen_core", ("CancellationToken",))],
        ),
    ]
    agent = AssistantAgent(
        "counter",
        model_client=OpenAIChatCompletionClient(
            model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1"
        ),
        tools=tools,
        system_message="Use the tools.",
    )
    (out / "autogen075_assistant_source_tools.json").write_text(
        agent.dump_component().model_dump_json(indent=2) + "\n"
    )
    schemas = {t.name: t.schema for t in tools}
    (out / "autogen075_source_tool_schemas.json").write_text(json.dumps(schemas, indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
