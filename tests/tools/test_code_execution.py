"""PythonCodeExecutionTool: an agent's way to run Python through any executor."""

from __future__ import annotations

from pathlib import Path

from agentparts import CancellationToken, ComponentLoader
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.code_executors.sandbox import SandboxedCodeExecutor
from agentparts.tools import PythonCodeExecutionTool, Tool


async def test_runs_code_in_the_sandbox_by_default() -> None:
    tool = PythonCodeExecutionTool()
    assert isinstance(tool.executor, SandboxedCodeExecutor)
    assert isinstance(tool, Tool)
    assert tool.name == "CodeExecutor"
    assert tool.schema["parameters"]["required"] == ["code"]
    try:
        result = await tool.run_json(
            {"code": "import os\nprint(os.getuid() != 0)"}, CancellationToken()
        )
        assert result.success and result.exit_code == 0
        assert tool.return_value_as_string(result) == "True\n"
    finally:
        await tool.executor.stop()


async def test_failures_report_the_exit_code(tmp_path: Path) -> None:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=1) as executor:
        tool = PythonCodeExecutionTool(executor)
        failed = await tool.run_json({"code": "raise SystemExit(3)"}, CancellationToken())
        timed_out = await tool.run_json({"code": "while True: pass"}, CancellationToken())
    assert not failed.success
    assert tool.return_value_as_string(failed) == "(exit code 3)"
    assert timed_out.exit_code == 124
    assert tool.return_value_as_string(timed_out).endswith("(exit code 124)")


def test_config_round_trip_nests_the_executor(tmp_path: Path) -> None:
    tool = PythonCodeExecutionTool(LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=7))
    model = tool.dump_component()
    assert model.provider == "agentparts.tools.PythonCodeExecutionTool"
    assert model.config["executor"]["provider"] == (
        "agentparts.code_executors.local.LocalCommandLineCodeExecutor"
    )
    loaded = ComponentLoader.load_component(model, PythonCodeExecutionTool)
    assert isinstance(loaded.executor, LocalCommandLineCodeExecutor)
    assert loaded.executor.timeout == 7
    autogen = ComponentLoader.load_component(
        {
            "provider": "autogen_ext.tools.code_execution.PythonCodeExecutionTool",
            "component_type": "tool",
            "config": {"executor": model.config["executor"]},
        }
    )
    assert isinstance(autogen, PythonCodeExecutionTool)
