"""Each component loads from a config that names it by its entry-point short name."""

from __future__ import annotations

from pathlib import Path

from agentparts_example.code_executors import SubprocessCodeExecutor
from agentparts_example.models import HttpChatCompletionClient
from agentparts_example.tools import FileSearchTool

from agentparts import ComponentLoader
from agentparts.code_executor import CodeExecutor
from agentparts.models import ChatCompletionClient


def test_client_loads_by_short_name() -> None:
    client = ChatCompletionClient.load_component(
        {"provider": "example_http_client", "config": {"model": "m", "base_url": "http://x/v1"}}
    )
    assert isinstance(client, HttpChatCompletionClient)
    assert client.model == "m"


def test_executor_loads_by_short_name(tmp_path: Path) -> None:
    executor = CodeExecutor.load_component(
        {
            "provider": "example_subprocess_executor",
            "config": {"timeout": 5, "work_dir": str(tmp_path)},
        }
    )
    assert isinstance(executor, SubprocessCodeExecutor)


def test_tool_loads_by_short_name(tmp_path: Path) -> None:
    tool = ComponentLoader.load_component(
        {"provider": "example_file_search", "config": {"root_dir": str(tmp_path)}}, FileSearchTool
    )
    assert tool.schema["name"] == "file_search"
