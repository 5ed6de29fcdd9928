"""Run code in a bubblewrap sandbox: the default executor for code a model wrote."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability, folder, host_command, sandboxed_code
from ..._component import Component
from ...code_executor._func_with_reqs import AnyFunction
from ...errors import CodeExecutionError
from .._cgroups import RunCgroup, cgroups_available, warn_once_without_cgroups
from .._command_line import CommandLineExecutorBase
from .._process import ProcessOutcome, SpawnOptions, processes_of_uid
from .._supervisor import Supervisor
from .._supervisor_source import SUPERVISOR_SOURCE
from ._bwrap import SandboxLimits, bwrap_argv, find_bwrap, probe_bwrap, set_limits
from ._idmap import filter_file, idmap_supported
from ._uids import SandboxIdentity, acquire_uid
from ._work_dir import check_idmap, clear_exec_bits, mounted_work_dir, work_dir_too_big

__all__ = ["SandboxedCodeExecutor", "SandboxedCodeExecutorConfig"]

_MIB = 1024 * 1024
# Files changed this long before a run started count as written by it (ctime is coarse).
_CTIME_SLACK_NS = 50_000_000
# Processes of a sandbox besides the run's: bubblewrap's monitor and the supervisor.
_OWN_PROCESSES = 2


class SandboxedCodeExecutorConfig(BaseModel):
    """Saved form of a :class:`SandboxedCodeExecutor`."""

    model_config = ConfigDict(defer_build=True)

    timeout: float = 60
    work_dir: str | None = None
    functions_module: str = "functions"
    cleanup_temp_files: bool = True
    max_output_bytes: int = 1_000_000
    memory_limit_bytes: int = 2048 * _MIB
    cpu_time_limit_seconds: int = 120
    max_processes: int = 64
    max_file_size_bytes: int = 100 * _MIB
    max_work_dir_bytes: int = 1024 * _MIB
    max_work_dir_files: int = 20_000
    tmp_size_bytes: int = 64 * _MIB
    python: str = "/usr/bin/python3"
    env: dict[str, str] = Field(default_factory=dict[str, str])
    extra_ro_binds: list[str] = Field(default_factory=list[str])
    bwrap: str | None = None


class SandboxedCodeExecutor(CommandLineExecutorBase, Component[SandboxedCodeExecutorConfig]):
    """Runs code blocks inside a bubblewrap sandbox; the default wherever an agent runs code.

    Each executor has its own sandbox: started as its own non-root host uid (one per
    executor, so several sandboxes can run at once with separate process limits), with
    new user, pid, network, IPC and UTS namespaces (no network at all, not even the host's
    127.0.0.1), nested user namespaces disabled, no capabilities, an empty environment
    plus ``env``, the system read-only (``/usr`` and a few files of ``/etc``; no
    ``/root``, no ``/home``, no ``/etc/shadow``), a small private ``/tmp``, and the work
    directory as the only writable host path (mounted at the same path). A small
    supervisor is pid 1 inside: it starts each block as a new process, and when the block
    ends it kills and reaps every process of it and empties ``/tmp``, so each block starts
    clean but for the work directory; a timeout, cancellation or stop() is enforced from
    the host. Limits: memory of the whole run (a cgroup, where the machine has one;
    otherwise per process), address space, CPU time, processes, file size, open files,
    work directory size, output size, and a wall-clock timeout (exit code 124).

    A given ``work_dir`` is never chowned or chmodded: as root it is mounted id-mapped, so
    the sandbox writes into it as its own uid while the files land owned by the folder's
    owner; files a block wrote are left at most ``rw-r--r--`` (folders ``rwxr-xr-x``).

    If bubblewrap is missing or cannot run here, the constructor or :meth:`start` raises
    :class:`~agentparts.errors.SandboxUnavailableError` saying how to install it; code is
    never run unsandboxed instead.

    Languages: ``python`` (the system's ``/usr/bin/python3``), ``bash``, ``sh``/``shell``.

    Args:
        timeout: Wall-clock seconds each block may run.
        work_dir: Where code files are written and run; its owner and mode are left as
            they are. By default a temporary directory, created by :meth:`start`, removed
            by :meth:`stop`.
        functions: Functions that executed code can import from ``functions_module``.
        functions_module: Module name of those functions.
        cleanup_temp_files: Delete each code file after it ran (files named by a
            ``# filename:`` directive are kept).
        max_output_bytes: Output beyond this stops the block, with a marker.
        memory_limit_bytes: Memory of all processes of a run together (a memory cgroup)
            and address space of each process; where no cgroup is available, only the latter.
        cpu_time_limit_seconds: CPU time of each process.
        max_processes: Processes and threads of the sandbox at once.
        max_file_size_bytes: Largest file the code may write.
        max_work_dir_bytes: The run is stopped when the work directory grows past this
            (checked every 50 ms).
        max_work_dir_files: The run is stopped when the work directory holds more entries.
        tmp_size_bytes: Size of the sandbox's private ``/tmp``.
        python: The interpreter inside the sandbox; it must live under ``/usr``.
        env: Variables set inside the sandbox (on top of PATH, HOME, LANG, TMPDIR).
        extra_ro_binds: More host paths to mount read-only at the same path.
        bwrap: The bubblewrap binary (default: ``bwrap`` on ``PATH``, else ``/usr/bin/bwrap``).

    Example:
        >>> from agentparts import CancellationToken
        >>> from agentparts.code_executor import CodeBlock
        >>> async def main() -> None:
        ...     async with SandboxedCodeExecutor(timeout=10) as executor:
        ...         result = await executor.execute_code_blocks(
        ...             [CodeBlock(code="print(6 * 7)", language="python")], CancellationToken()
        ...         )
        ...         assert result.output == "42\\n"
    """

    SUPPORTED_LANGUAGES: ClassVar[list[str]] = ["python", "bash", "shell", "sh"]
    """The languages the sandbox runs."""

    component_config_schema = SandboxedCodeExecutorConfig
    component_provider_override = "agentparts.code_executors.sandbox.SandboxedCodeExecutor"

    def __init__(
        self,
        timeout: float = 60,
        work_dir: str | Path | None = None,
        functions: Sequence[AnyFunction] = (),
        functions_module: str = "functions",
        cleanup_temp_files: bool = True,
        max_output_bytes: int = 1_000_000,
        memory_limit_bytes: int = 2048 * _MIB,
        cpu_time_limit_seconds: int = 120,
        max_processes: int = 64,
        max_file_size_bytes: int = 100 * _MIB,
        max_work_dir_bytes: int = 1024 * _MIB,
        max_work_dir_files: int = 20_000,
        tmp_size_bytes: int = 64 * _MIB,
        python: str = "/usr/bin/python3",
        env: Mapping[str, str] | None = None,
        extra_ro_binds: Sequence[str] = (),
        bwrap: str | None = None,
    ) -> None:
        super().__init__(
            timeout=timeout,
            work_dir=work_dir,
            functions=functions,
            functions_module=functions_module,
            cleanup_temp_files=cleanup_temp_files,
            max_output_bytes=max_output_bytes,
        )
        self._bwrap_given = bwrap
        self._bwrap = find_bwrap(bwrap)
        self._limits = SandboxLimits(
            memory_bytes=memory_limit_bytes,
            cpu_seconds=cpu_time_limit_seconds,
            max_processes=max_processes,
            max_file_size_bytes=max_file_size_bytes,
        )
        self._max_work_dir_bytes = max_work_dir_bytes
        self._max_work_dir_files = max_work_dir_files
        self._tmp_size_bytes = tmp_size_bytes
        self._python = python
        self._extra_env = dict(env or {})
        self._extra_ro_binds = list(extra_ro_binds)
        self._identity: SandboxIdentity | None = None
        self._support_dir: str | None = None
        self._support_finalizer: Callable[[], object] | None = None
        self._mount_point: Path | None = None
        self._supervisor: Supervisor | None = None
        self._work_dir_fd: int | None = None
        self._seccomp_fd: int | None = None

    @property
    def supported_languages(self) -> list[str]:
        """``python``, ``bash`` and ``sh``."""
        return ["python", "bash", "sh"]

    @property
    def limits(self) -> SandboxLimits:
        """The per-process resource limits of each run."""
        return self._limits

    @property
    def sandbox_uid(self) -> int | None:
        """The host uid the sandbox runs as while started (None when not started as root)."""
        return self._identity.uid if self._identity is not None else None

    def _file_owner(self) -> tuple[int, int] | None:
        if self._identity is None or self._mount_point is not None:
            return None  # not root, or id-mapped: files belong to the work dir's owner
        return (self._identity.uid, self._identity.gid)

    async def _prepare_work_dir(self, work_dir: Path) -> None:
        as_root = os.geteuid() == 0
        await asyncio.to_thread(probe_bwrap, self._bwrap, acquire_probe_uid() if as_root else None)
        if as_root:
            # A host that died left nothing of this uid: bubblewrap dies with its parent and
            # the kernel then kills the whole pid namespace (tests/code_executors/
            # test_sandbox_crash.py), so no uid sweep is needed.
            self._identity = identity = acquire_uid()
            support = tempfile.mkdtemp(prefix="agentparts-sandbox-")
            self._support_dir = support
            self._support_finalizer = weakref.finalize(self, _remove_support, support)
            os.chmod(support, 0o711)
            uid, gid = identity.uid, identity.gid
            _write_public(
                Path(support) / "passwd",
                f"root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:{uid}:{gid}:sandbox:{work_dir}:/bin/sh\n",
            )
            _write_public(Path(support) / "group", f"root:x:0:\nsandbox:x:{gid}:\n")
            mount_point = Path(support) / "work"
            mount_point.mkdir(mode=0o700)
            given = self._given_work_dir is not None
            if idmap_supported() and await asyncio.to_thread(
                check_idmap, work_dir, mount_point, uid, gid, given
            ):
                self._mount_point = mount_point
            elif given:
                raise CodeExecutionError(
                    f"The sandbox cannot write into the work directory {work_dir} without "
                    "changing its owner (id-mapped mounts need root on x86-64 Linux): leave "
                    "work_dir unset for a private temporary one."
                )
            else:
                # Our own temporary directory (never the caller's): the sandbox's to own.
                os.chown(work_dir, uid, gid)
                os.chmod(work_dir, 0o700)
        self._supervisor = Supervisor(
            self._supervisor_command,
            spawn=self._spawn_options(),
            nested=True,
            cgroup=self._make_cgroup,
            name="sandbox",
        )

    def _spawn_options(self) -> SpawnOptions:
        limits = dataclasses.replace(
            self._limits, max_processes=self._limits.max_processes + _OWN_PROCESSES
        )
        if self._identity is None:
            # Not root: RLIMIT_NPROC counts all our own processes, so allow those on top.
            own = len(processes_of_uid(os.getuid()))
            limits = dataclasses.replace(limits, max_processes=own + limits.max_processes)
            return SpawnOptions(preexec_fn=set_limits(limits, cpu=False))
        return SpawnOptions(
            user=self._identity.uid,
            group=self._identity.gid,
            extra_groups=[],
            preexec_fn=set_limits(limits, cpu=False),
        )

    def _make_cgroup(self) -> RunCgroup | None:
        if not cgroups_available():
            warn_once_without_cgroups(
                "SandboxedCodeExecutor caps memory per process (RLIMIT_AS), not per run, "
                "and processes per uid (RLIMIT_NPROC)"
            )
            return None
        return RunCgroup(
            memory_limit_bytes=self._limits.memory_bytes,
            max_processes=self._limits.max_processes + _OWN_PROCESSES,
        )

    def _supervisor_command(self, control_fd: int) -> list[str]:
        assert self._work_dir_fd is not None
        support = self._support_dir
        return bwrap_argv(
            self._bwrap,
            work_dir=str(self.work_dir),
            work_dir_fd=self._work_dir_fd,
            passwd_file=f"{support}/passwd" if support else None,
            group_file=f"{support}/group" if support else None,
            env=self._sandbox_env(),
            tmp_size_bytes=self._tmp_size_bytes,
            extra_ro_binds=self._extra_ro_binds,
            command=[self._python, "-I", "-S", "-c", SUPERVISOR_SOURCE, str(control_fd), "pid1"],
            seccomp_fd=self._seccomp_fd,
        )

    async def _start_supervisor(self, supervisor: Supervisor) -> None:
        identity = self._identity
        uid, gid = (identity.uid, identity.gid) if identity is not None else (0, 0)
        seccomp = filter_file() if self._mount_point is not None else None
        try:
            with mounted_work_dir(self.work_dir, self._mount_point, uid, gid) as fd:
                self._work_dir_fd, self._seccomp_fd = fd, seccomp
                fds = (fd,) if seccomp is None else (fd, seccomp)
                await supervisor.start(pass_fds=fds)
        finally:
            self._work_dir_fd = self._seccomp_fd = None
            if seccomp is not None:
                os.close(seccomp)

    async def stop(self) -> None:
        """Kill the run in progress, end the sandbox, remove a temporary work directory."""
        if self._supervisor is not None:
            await self._supervisor.kill_run()
        await super().stop()

    async def _release(self) -> None:
        if self._supervisor is not None:
            await self._supervisor.close()
            self._supervisor = None
        if self._identity is not None:
            # Closing the supervisor (pid 1) ended every process of the sandbox.
            self._identity.release()
            self._identity = None
        self._mount_point = None
        if self._support_finalizer is not None:
            self._support_finalizer()
            self._support_finalizer = None
        self._support_dir = None

    def _command(self, language: str, code_file: Path) -> list[str]:
        if language == "python":
            return [self._python, "-u", str(code_file)]
        return [f"/usr/bin/{language}", str(code_file)]

    def _sandbox_env(self) -> dict[str, str]:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.work_dir),
            "LANG": "C.UTF-8",
            "TMPDIR": "/tmp",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.update(self._extra_env)
        return env

    def _work_dir_too_big(self) -> str | None:
        return work_dir_too_big(self.work_dir, self._max_work_dir_bytes, self._max_work_dir_files)

    async def _run(self, argv: list[str], cancellation_token: CancellationToken) -> ProcessOutcome:
        supervisor = self._supervisor
        if supervisor is None:
            raise CodeExecutionError("The sandbox is not prepared: call start() first.")
        if not supervisor.running:
            await self._start_supervisor(supervisor)
        started = time.time_ns()
        outcome = await supervisor.run(
            argv,
            cwd=str(self.work_dir),
            env=self._sandbox_env(),
            timeout=self._timeout,
            max_output_bytes=self._max_output_bytes,
            cancellation_token=cancellation_token,
            monitor=self._work_dir_too_big,
            cpu_seconds=self._limits.cpu_seconds,
        )
        await asyncio.shield(
            asyncio.to_thread(clear_exec_bits, self.work_dir, started - _CTIME_SLACK_NS)
        )
        return outcome

    def _to_config(self) -> SandboxedCodeExecutorConfig:
        return SandboxedCodeExecutorConfig(
            timeout=self._timeout,
            work_dir=str(self._given_work_dir) if self._given_work_dir is not None else None,
            functions_module=self._functions_module,
            cleanup_temp_files=self._cleanup_temp_files,
            max_output_bytes=self._max_output_bytes,
            memory_limit_bytes=self._limits.memory_bytes,
            cpu_time_limit_seconds=self._limits.cpu_seconds,
            max_processes=self._limits.max_processes,
            max_file_size_bytes=self._limits.max_file_size_bytes,
            max_work_dir_bytes=self._max_work_dir_bytes,
            max_work_dir_files=self._max_work_dir_files,
            tmp_size_bytes=self._tmp_size_bytes,
            python=self._python,
            env=self._extra_env,
            extra_ro_binds=self._extra_ro_binds,
            bwrap=self._bwrap_given,
        )

    @classmethod
    def _from_config(cls, config: SandboxedCodeExecutorConfig) -> Self:
        return cls(**config.model_dump())

    @classmethod
    def _capabilities(cls, config: SandboxedCodeExecutorConfig) -> list[Capability]:
        found = [sandboxed_code("code the agent writes", "bubblewrap sandbox, no network")]
        if config.bwrap is not None:  # the launcher itself runs on the host
            found.append(host_command(config.bwrap, (), "sandbox launcher named by the config"))
        if config.work_dir is not None:
            found.append(folder(config.work_dir, "reads and writes", "sandbox work dir"))
        found += [
            folder(p, "reads", "bound read-only into the sandbox") for p in config.extra_ro_binds
        ]
        return found


def acquire_probe_uid() -> int:
    """A uid for the one-time bubblewrap probe (never used by a running sandbox)."""
    from ._uids import FIRST_SANDBOX_UID

    return FIRST_SANDBOX_UID - 1


def _write_public(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)


def _remove_support(path: str) -> None:
    """Remove the support directory (after making sure nothing is mounted in it)."""
    from ._idmap import detach

    detach(os.path.join(path, "work"))
    shutil.rmtree(path, ignore_errors=True)
