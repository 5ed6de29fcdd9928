"""examples/extension: installed as a dev dependency; its components load by short name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts._providers import installed_components
from agentparts.code_executor import CodeBlock, CodeExecutor
from agentparts.models import ChatCompletionClient, UserMessage
from agentparts.testing import OpenAITestServer, ScriptedReply
from agentparts.tools import BaseTool

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "extension"

pytest.importorskip("agentparts_example", reason="run 'uv sync --all-extras --group dev'")


def test_the_example_registers_its_three_components() -> None:
    registered = {
        entry.name: entry.provider
        for entry in installed_components()
        if entry.distribution == "agentparts-example-extension"
    }
    assert registered == {
        "example_http_client": "agentparts_example.models.HttpChatCompletionClient",
        "example_subprocess_executor": "agentparts_example.code_executors.SubprocessCodeExecutor",
        "example_file_search": "agentparts_example.tools.FileSearchTool",
    }


async def test_model_client_loads_by_short_name_and_answers() -> None:
    async with OpenAITestServer([ScriptedReply("Loaded by short name.")]) as server:
        client = ChatCompletionClient.load_component(
            {
                "provider": "example_http_client",
                "component_type": "model",
                "config": {"model": "test-model", "base_url": server.base_url},
            }
        )
        async with client:
            result = await client.create([UserMessage(content="hi")])
    assert type(client).__name__ == "HttpChatCompletionClient"
    assert result.content == "Loaded by short name."
    assert client.dump_component().provider == "agentparts_example.models.HttpChatCompletionClient"


async def test_code_executor_loads_by_short_name_and_runs(tmp_path: Path) -> None:
    executor = CodeExecutor.load_component(
        {
            "provider": "example_subprocess_executor",
            "component_type": "code_executor",
            "config": {"timeout": 10, "work_dir": str(tmp_path)},
        }
    )
    async with executor:
        result = await executor.execute_code_blocks(
            [CodeBlock(code="print(6 * 7)", language="python")], CancellationToken()
        )
    assert type(executor).__name__ == "SubprocessCodeExecutor"
    assert (result.exit_code, result.output.strip()) == (0, "42")


async def test_tool_loads_by_short_name_and_runs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("the kettle is on\n", encoding="utf-8")
    tool = ComponentLoader.load_component(
        {"provider": "example_file_search", "config": {"root_dir": str(tmp_path)}}, BaseTool
    )
    result = await tool.run_json({"query": "kettle"}, CancellationToken())
    assert type(tool).__name__ == "FileSearchTool"
    # AutoGen's form: json.dumps of the model's dump (issue 19).
    assert tool.return_value_as_string(result) == (
        '{"results": [{"path": "notes.txt", "line": 1, "text": "the kettle is on"}], "count": 1}'
    )


def test_the_example_passes_its_own_tests() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
