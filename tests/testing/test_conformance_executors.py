"""The code-executor conformance suite, run against the built-in executors."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentparts.code_executor import CodeExecutor
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.code_executors.sandbox import SandboxedCodeExecutor
from agentparts.errors import SandboxUnavailableError
from agentparts.testing import CodeExecutorTests


class TestLocalExecutorConformance(CodeExecutorTests):
    requires_start = False  # starts itself on first use, as in AutoGen

    @pytest.fixture
    def executor(self, tmp_path: Path) -> LocalCommandLineCodeExecutor:
        return LocalCommandLineCodeExecutor(timeout=self.timeout, work_dir=tmp_path)


async def _sandbox_or_skip(executor: SandboxedCodeExecutor) -> SandboxedCodeExecutor:
    try:
        await executor.start()
    except SandboxUnavailableError as exc:
        pytest.skip(f"no sandbox here: {exc}")
    await executor.stop()
    return executor


class TestSandboxedExecutorConformance(CodeExecutorTests):
    requires_start = False

    @pytest.fixture
    async def executor(self) -> SandboxedCodeExecutor:
        # pytest's tmp_path is not searchable by the sandbox's uid: use its own temp dir.
        return await _sandbox_or_skip(SandboxedCodeExecutor(timeout=self.timeout))


@pytest.mark.slow  # a kernel starts for each test
class TestJupyterExecutorConformance(CodeExecutorTests):
    shell_language = None  # Python only
    requires_start = False

    @pytest.fixture
    def executor(self, tmp_path: Path) -> CodeExecutor:
        pytest.importorskip("jupyter_client", reason="needs the jupyter extra")
        from agentparts.code_executors.jupyter import JupyterCodeExecutor

        return JupyterCodeExecutor(timeout=self.timeout, output_dir=tmp_path)
