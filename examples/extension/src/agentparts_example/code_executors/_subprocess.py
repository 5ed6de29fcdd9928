"""``SubprocessCodeExecutor``: the guide's ``MyCodeExecutor`` with its execution written.

Each block runs in its own process group in the work directory. A timeout gives exit code
124, cancellation stops the run, and both kill the whole process group. The child gets a
small environment (no API keys) and its output is capped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import uuid
from pathlib import Path
from typing import ClassVar, Self

from pydantic import BaseModel, Field

from agentparts import CancellationToken, Component
from agentparts.code_executor import CodeBlock, CodeExecutor, CommandLineCodeResult
from agentparts.errors import ExecutorNotStartedError

__all__ = ["SubprocessCodeExecutor", "SubprocessExecutorConfig"]

TIMEOUT_EXIT_CODE = 124
_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT")


class SubprocessExecutorConfig(BaseModel):
    """Configuration of :class:`SubprocessCodeExecutor`."""

    timeout: float = Field(default=60, gt=0)
    work_dir: str | None = None
    max_output_bytes: int = Field(default=1_000_000, gt=0)


class SubprocessCodeExecutor(CodeExecutor, Component[SubprocessExecutorConfig]):
    """Runs Python and shell code blocks in subprocesses.

    Not a sandbox: the code runs as the current user. Use it for trusted code, or inside
    a container.

    Args:
        timeout: Seconds a block may run before it is killed (exit code 124).
        work_dir: Where code files are written and run. Default: a temporary folder
            created by :meth:`start` and removed by :meth:`stop`.
        max_output_bytes: Output beyond this is dropped, with a note.

    Example:
        >>> executor = SubprocessCodeExecutor(timeout=10)
    """

    component_config_schema = SubprocessExecutorConfig
    component_provider_override = "agentparts_example.code_executors.SubprocessCodeExecutor"

    SUPPORTED_LANGUAGES: ClassVar[dict[str, tuple[str, str]]] = {
        "python": (sys.executable, ".py"),
        "py": (sys.executable, ".py"),
        "bash": ("bash", ".sh"),
        "sh": ("sh", ".sh"),
    }

    def __init__(
        self,
        timeout: float = 60,
        work_dir: Path | str | None = None,
        max_output_bytes: int = 1_000_000,
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}.")
        self._timeout = timeout
        self._work_dir = Path(work_dir) if work_dir is not None else None
        self._max_output_bytes = max_output_bytes
        self._running_dir: Path | None = None
        self._owns_dir = False

    @property
    def work_dir(self) -> Path:
        """The folder code runs in (only while started)."""
        if self._running_dir is None:
            raise ExecutorNotStartedError(
                "SubprocessCodeExecutor is not started: call await executor.start() first, "
                "or use 'async with executor:'."
            )
        return self._running_dir

    async def execute_code_blocks(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CommandLineCodeResult:
        """Run the blocks in order, stopping at the first failure."""
        work_dir = self.work_dir
        outputs: list[str] = []
        exit_code = 0
        code_file: str | None = None
        for block in code_blocks:
            language = block.language.lower()
            if language not in self.SUPPORTED_LANGUAGES:
                outputs.append(
                    f"Unsupported language: {block.language}. Supported: "
                    f"{', '.join(sorted(self.SUPPORTED_LANGUAGES))}."
                )
                exit_code = 1
                break
            command, suffix = self.SUPPORTED_LANGUAGES[language]
            path = work_dir / f"code_{uuid.uuid4().hex[:12]}{suffix}"
            path.write_text(block.code, encoding="utf-8")
            code_file = str(path)
            exit_code, output = await self._run([command, str(path)], work_dir, cancellation_token)
            outputs.append(output)
            if exit_code != 0:
                break
        return CommandLineCodeResult(
            exit_code=exit_code, output="".join(outputs), code_file=code_file
        )

    async def _run(self, argv: list[str], cwd: Path, token: CancellationToken) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=_child_env(cwd),
            start_new_session=True,  # its own process group, so kill reaches grandchildren
        )
        reader = asyncio.ensure_future(self._read(process))
        token.link_future(reader)
        try:
            output = await asyncio.wait_for(asyncio.shield(reader), self._timeout)
        except TimeoutError:
            _kill_group(process)
            reader.cancel()
            await process.wait()
            return TIMEOUT_EXIT_CODE, f"Execution timed out after {self._timeout:g} s.\n"
        except asyncio.CancelledError:
            _kill_group(process)
            await process.wait()
            raise
        returncode = await process.wait()
        _kill_group(process)  # whatever the code left running in the background
        return returncode, output

    async def _read(self, process: asyncio.subprocess.Process) -> str:
        assert process.stdout is not None
        chunks: list[bytes] = []
        size = 0
        dropped = 0
        while block := await process.stdout.read(65536):
            if size < self._max_output_bytes:
                chunks.append(block[: self._max_output_bytes - size])
            dropped += max(0, size + len(block) - self._max_output_bytes)
            size += len(block)
        text = b"".join(chunks).decode("utf-8", errors="replace")
        if dropped:
            text += f"\n[output truncated: {dropped} bytes dropped]\n"
        return text

    async def start(self) -> None:
        """Create the work directory (a temporary one unless given)."""
        if self._running_dir is not None:
            return
        if self._work_dir is None:
            self._running_dir = Path(tempfile.mkdtemp(prefix="agentparts_example_"))
            self._owns_dir = True
        else:
            self._work_dir.mkdir(parents=True, exist_ok=True)
            self._running_dir = self._work_dir
            self._owns_dir = False

    async def stop(self) -> None:
        """Remove the temporary work directory, if this executor created it."""
        running, self._running_dir = self._running_dir, None
        if running is not None and self._owns_dir:
            shutil.rmtree(running, ignore_errors=True)

    async def restart(self) -> None:
        """Stop and start again."""
        await self.stop()
        await self.start()

    def _to_config(self) -> SubprocessExecutorConfig:
        return SubprocessExecutorConfig(
            timeout=self._timeout,
            work_dir=str(self._work_dir) if self._work_dir is not None else None,
            max_output_bytes=self._max_output_bytes,
        )

    @classmethod
    def _from_config(cls, config: SubprocessExecutorConfig) -> Self:
        return cls(
            timeout=config.timeout,
            work_dir=Path(config.work_dir) if config.work_dir else None,
            max_output_bytes=config.max_output_bytes,
        )


def _child_env(cwd: Path) -> dict[str, str]:
    env = {key: os.environ[key] for key in _KEPT_ENV if key in os.environ}
    env["HOME"] = str(cwd)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _kill_group(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
