"""SubprocessCodeExecutor, checked by the agentparts conformance suite and its own tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from agentparts_example.code_executors import SubprocessCodeExecutor

from agentparts import CancellationToken
from agentparts.code_executor import CodeBlock
from agentparts.testing import CodeExecutorTests


class TestSubprocessExecutorConformance(CodeExecutorTests):
    @pytest.fixture
    def executor(self, tmp_path: Path) -> SubprocessCodeExecutor:
        return SubprocessCodeExecutor(timeout=self.timeout, work_dir=tmp_path)


async def test_the_guide_test_passes() -> None:
    executor = SubprocessCodeExecutor()
    await executor.start()
    try:
        result = await executor.execute_code_blocks(
            [CodeBlock(language="python", code="print('test')")], CancellationToken()
        )
        assert result.exit_code == 0
        assert "test" in result.output
    finally:
        await executor.stop()


async def test_child_gets_no_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-leak")
    async with SubprocessCodeExecutor(work_dir=tmp_path) as executor:
        result = await executor.execute_code_blocks(
            [
                CodeBlock(
                    language="python", code="import os; print(os.environ.get('OPENAI_API_KEY'))"
                )
            ],
            CancellationToken(),
        )
    assert result.output.strip() == "None"


async def test_output_is_capped(tmp_path: Path) -> None:
    async with SubprocessCodeExecutor(work_dir=tmp_path, max_output_bytes=1000) as executor:
        result = await executor.execute_code_blocks(
            [CodeBlock(language="python", code="print('x' * 100_000)")], CancellationToken()
        )
    assert result.exit_code == 0
    assert result.output.startswith("x" * 1000)
    assert "output truncated" in result.output
    assert len(result.output) < 1100


async def test_temporary_work_dir_is_removed_on_stop() -> None:
    executor = SubprocessCodeExecutor()
    await executor.start()
    work_dir = executor.work_dir
    assert work_dir.is_dir()
    await executor.stop()
    assert not work_dir.exists()
