"""Run code as local processes: no isolation, but never leaking processes or secrets."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability, env_read, folder, host_code
from ..._component import Component
from ...code_executor._func_with_reqs import AnyFunction
from .._command_line import CommandLineExecutorBase
from .._env import DEFAULT_ENV_ALLOWLIST, scrubbed_env
from .._process import ProcessOutcome, SpawnOptions
from .._supervisor import Supervisor
from .._supervisor_source import SUPERVISOR_SOURCE

__all__ = ["LocalCommandLineCodeExecutor", "LocalCommandLineCodeExecutorConfig"]


class LocalCommandLineCodeExecutorConfig(BaseModel):
    """Saved form of a :class:`LocalCommandLineCodeExecutor`."""

    model_config = ConfigDict(defer_build=True)

    timeout: float = 60
    work_dir: str | None = None
    functions_module: str = "functions"
    cleanup_temp_files: bool = True
    max_output_bytes: int = 1_000_000
    env_allowlist: list[str] = Field(default_factory=list[str])
    env: dict[str, str] = Field(default_factory=dict[str, str])
    virtual_env: str | None = None


class LocalCommandLineCodeExecutor(
    CommandLineExecutorBase, Component[LocalCommandLineCodeExecutorConfig]
):
    """Runs code blocks as processes on this machine, without a sandbox.

    Use it only for code you trust; :class:`~agentparts.code_executors.sandbox.SandboxedCodeExecutor`
    is the default for code a model wrote. Each block is written to a file in the work
    directory and run in its own session, started by a small supervisor process (one per
    executor) that is a child subreaper: whatever the block starts stays its descendant,
    however it detaches (``setsid``, double forks, ``nohup``). On timeout (exit code 124),
    cancellation, stop() or the end of the block, every process it started is killed and
    reaped, so none survives and none is left as a zombie.
    The code gets a scrubbed environment: only :data:`DEFAULT_ENV_ALLOWLIST` variables plus
    ``env_allowlist`` and ``env``, never API keys by accident.

    Languages: ``python``, ``bash``, ``sh``/``shell``, and ``pwsh`` when PowerShell is
    installed. A first line ``# filename: name.py`` names the file (inside the work
    directory only).

    Args:
        timeout: Wall-clock seconds each block may run.
        work_dir: Where code files are written and run. By default a temporary directory,
            created by :meth:`start` and removed by :meth:`stop`.
        functions: Functions that executed code can import from ``functions_module``.
        functions_module: Module name of those functions.
        cleanup_temp_files: Delete each code file after it ran (files named by a
            ``# filename:`` directive are kept).
        max_output_bytes: Output beyond this stops the block, with a marker.
        env_allowlist: More variable names (or ``*`` patterns) to pass to the code.
        env: Variables to set for the code, as given.
        virtual_env: A virtual environment directory whose ``python`` runs the code.
        virtual_env_context: AutoGen's form of ``virtual_env`` (``venv.EnvBuilder``'s context).

    Example:
        >>> from agentparts import CancellationToken
        >>> from agentparts.code_executor import CodeBlock
        >>> async def main() -> None:
        ...     async with LocalCommandLineCodeExecutor(timeout=10) as executor:
        ...         result = await executor.execute_code_blocks(
        ...             [CodeBlock(code="echo hi", language="bash")], CancellationToken()
        ...         )
        ...         assert result.output == "hi\\n"
    """

    SUPPORTED_LANGUAGES: ClassVar[list[str]] = ["python", "bash", "shell", "sh", "pwsh"]
    """Every language the executor knows (``pwsh`` runs only where it is installed)."""

    component_config_schema = LocalCommandLineCodeExecutorConfig
    component_provider_override = "agentparts.code_executors.local.LocalCommandLineCodeExecutor"

    def __init__(
        self,
        timeout: float = 60,
        work_dir: str | Path | None = None,
        functions: Sequence[AnyFunction] = (),
        functions_module: str = "functions",
        cleanup_temp_files: bool = True,
        max_output_bytes: int = 1_000_000,
        env_allowlist: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        virtual_env: str | Path | None = None,
        virtual_env_context: SimpleNamespace | None = None,
    ) -> None:
        super().__init__(
            timeout=timeout,
            work_dir=work_dir,
            functions=functions,
            functions_module=functions_module,
            cleanup_temp_files=cleanup_temp_files,
            max_output_bytes=max_output_bytes,
        )
        if virtual_env is None and virtual_env_context is not None:
            virtual_env = str(virtual_env_context.env_dir)
        self._virtual_env = Path(virtual_env).resolve() if virtual_env is not None else None
        if self._virtual_env is not None and not (self._virtual_env / "bin" / "python").exists():
            raise ValueError(
                f"{self._virtual_env} is not a virtual environment (no bin/python). "
                "Create it with `python -m venv DIR` or `uv venv DIR`."
            )
        self._env_allowlist = list(env_allowlist)
        self._extra_env = dict(env or {})
        self._supervisor: Supervisor | None = None

    @property
    def supported_languages(self) -> list[str]:
        """``python``, ``bash``, ``sh``, and ``pwsh`` when it is installed."""
        languages = ["python", "bash", "sh"]
        if shutil.which("pwsh"):
            languages.append("pwsh")
        return languages

    def _python(self) -> str:
        if self._virtual_env is not None:
            return str(self._virtual_env / "bin" / "python")
        return sys.executable

    def _command(self, language: str, code_file: Path) -> list[str]:
        if language == "python":
            return [self._python(), "-u", str(code_file)]
        if language == "pwsh":
            return ["pwsh", "-NoProfile", "-NonInteractive", "-File", str(code_file)]
        return [language, str(code_file)]

    def child_env(self) -> dict[str, str]:
        """The environment executed code gets."""
        env = scrubbed_env((*DEFAULT_ENV_ALLOWLIST, *self._env_allowlist), self._extra_env)
        env.setdefault("PYTHONIOENCODING", "utf-8")
        if self._virtual_env is not None:
            env["VIRTUAL_ENV"] = str(self._virtual_env)
            env["PATH"] = os.pathsep.join(
                [str(self._virtual_env / "bin"), env.get("PATH", os.defpath)]
            )
        return env

    async def _prepare_work_dir(self, work_dir: Path) -> None:
        self._supervisor = Supervisor(_supervisor_command, spawn=SpawnOptions(), nested=False)

    async def _release(self) -> None:
        if self._supervisor is not None:
            await self._supervisor.close()
            self._supervisor = None

    async def restart(self) -> None:
        """Do nothing but warn, as AutoGen's local executor does.

        There is no state to reset besides the work directory's files, which AutoGen
        keeps. For a fresh temporary work directory, call :meth:`stop` then :meth:`start`.
        """
        warnings.warn(
            "Restarting LocalCommandLineCodeExecutor is not supported: no action is taken "
            "(as in AutoGen). Call stop() and start() for a fresh temporary work directory.",
            UserWarning,
            stacklevel=2,
        )

    async def stop(self) -> None:
        """Kill the run in progress and every process it started; remove a temporary
        work directory."""
        if self._supervisor is not None:
            await self._supervisor.kill_run()
        await super().stop()

    async def _run(self, argv: list[str], cancellation_token: CancellationToken) -> ProcessOutcome:
        if self._supervisor is None:
            raise RuntimeError("The executor is not started: call start() first.")
        return await self._supervisor.run(
            argv,
            cwd=str(self.work_dir),
            env=self.child_env(),
            timeout=self._timeout,
            max_output_bytes=self._max_output_bytes,
            cancellation_token=cancellation_token,
        )

    def _to_config(self) -> LocalCommandLineCodeExecutorConfig:
        return LocalCommandLineCodeExecutorConfig(
            timeout=self._timeout,
            work_dir=str(self._given_work_dir) if self._given_work_dir is not None else None,
            functions_module=self._functions_module,
            cleanup_temp_files=self._cleanup_temp_files,
            max_output_bytes=self._max_output_bytes,
            env_allowlist=self._env_allowlist,
            env=self._extra_env,
            virtual_env=str(self._virtual_env) if self._virtual_env is not None else None,
        )

    @classmethod
    def _from_config(cls, config: LocalCommandLineCodeExecutorConfig) -> Self:
        return cls(
            timeout=config.timeout,
            work_dir=config.work_dir,
            functions_module=config.functions_module,
            cleanup_temp_files=config.cleanup_temp_files,
            max_output_bytes=config.max_output_bytes,
            env_allowlist=config.env_allowlist,
            env=config.env,
            virtual_env=config.virtual_env,
        )

    @classmethod
    def _capabilities(cls, config: LocalCommandLineCodeExecutorConfig) -> list[Capability]:
        found = [host_code("code the agent writes", "local executor: host processes, no sandbox")]
        found += [
            folder(p, "uses", "work dir / virtual env")
            for p in (config.work_dir, config.virtual_env)
            if p
        ]
        found += [env_read(n, "passed to the executed code") for n in config.env_allowlist]
        return found


def _supervisor_command(control_fd: int) -> list[str]:
    return [sys.executable, "-I", "-S", "-c", SUPERVISOR_SOURCE, str(control_fd), "subreaper"]
