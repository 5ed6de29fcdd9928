"""How tests/porting/data/autogen075_assistant_*.json were made (not a test; needs AutoGen).

Run with the AutoGen 0.7.5 venv that ``scripts/bench`` creates, from this folder:

    OPENAI_API_KEY=sk-unused ../../../benchmarks/.envs/autogen/bin/python -W ignore \
        make_autogen075_dumps.py .

The key comes from the environment so that AutoGen saves no (masked) ``api_key``; the
``base_url`` is a placeholder the tests replace with their test server's. AutoGen saves
the code tool's temporary ``work_dir``; the tests replace it too. The files are
AutoGen's ``dump_component()`` output, unedited.
"""

import sys
from pathlib import Path

from autogen_agentchat.agents import AssistantAgent
from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor
from autogen_ext.models.openai import OpenAIChatCompletionClient
from autogen_ext.tools.code_execution import PythonCodeExecutionTool


def client() -> OpenAIChatCompletionClient:
    return OpenAIChatCompletionClient(model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1")


def main(out: Path) -> None:
    plain = AssistantAgent("plain", model_client=client(), system_message="Answer briefly.")
    (out / "autogen075_assistant_no_tools.json").write_text(
        plain.dump_component().model_dump_json(indent=2) + "\n"
    )
    tool = PythonCodeExecutionTool(LocalCommandLineCodeExecutor(timeout=30))
    coder = AssistantAgent(
        "coder",
        model_client=client(),
        tools=[tool],
        reflect_on_tool_use=False,
        system_message="Run Python to answer.",
    )
    (out / "autogen075_assistant_code_tool.json").write_text(
        coder.dump_component().model_dump_json(indent=2) + "\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
