"""Control groups for code runs: every process of a run in one group, counted and capped.

A run's group holds each process the run starts, however it detaches (``setsid``, double
forks, ``nohup``): that is how a run is tracked and killed as a whole, and how its memory
is capped in total. cgroup v1 (the ``memory`` and ``pids`` controllers, as root) is used
where it is mounted and writable. Where it is not (no root, a container without
delegation, cgroup v2 without controllers), :func:`cgroups_available` is False, a warning
is logged once, and the executors fall back to per-process limits and ``/proc`` scans.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import threading
import time
from pathlib import Path

__all__ = ["RunCgroup", "cgroups_available", "remove_later", "warn_once_without_cgroups"]

_ROOT = Path("/sys/fs/cgroup")
_PREFIX = "agentparts-run-"
_logger = logging.getLogger("agentparts.code_executors")
_warned: set[str] = set()
_counter = 0
_counter_lock = threading.Lock()
_abandoned: list[RunCgroup] = []


def _own_path(controller: str) -> Path | None:
    """The v1 hierarchy directory of this process for ``controller``, if mounted."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            base = _ROOT / controller
            return base / path.lstrip("/") if base.is_dir() else None
    return None


@functools.cache
def cgroups_available(memory: bool = True) -> bool:
    """Whether this process can create v1 ``pids`` (and ``memory``) groups for its runs."""
    controllers = ("pids", "memory") if memory else ("pids",)
    for controller in controllers:
        parent = _own_path(controller)
        if parent is None:
            return False
        probe = parent / f"{_PREFIX}probe-{os.getpid()}"
        try:
            probe.mkdir()
            probe.rmdir()
        except OSError:
            return False
        _remove_stale(parent)
    return True


def _remove_stale(parent: Path) -> None:
    """Remove empty groups left by agentparts processes that died without cleaning up."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if not entry.name.startswith(_PREFIX):
                continue
            owner = entry.name[len(_PREFIX) :].split("-", 1)[0]
            if owner.isdigit() and not os.path.exists(f"/proc/{owner}"):
                with contextlib.suppress(OSError):
                    os.rmdir(entry.path)  # fails while a process is still inside


def warn_once_without_cgroups(what: str) -> None:
    """Log once per process what an executor falls back to without cgroups."""
    if what not in _warned:
        _warned.add(what)
        _logger.warning(
            "No writable cgroup v1 memory/pids controller here (needs root and "
            "/sys/fs/cgroup/{memory,pids}): %s",
            what,
        )


def _new_name() -> str:
    global _counter
    with _counter_lock:
        _counter += 1
        return f"{_PREFIX}{os.getpid()}-{_counter}"


class RunCgroup:
    """A ``pids`` group (and optionally a ``memory`` group) holding one run's processes.

    Args:
        memory_limit_bytes: Total memory (and memory + swap) of every process together;
            None for no ``memory`` group.
        max_processes: Processes and threads of the run together (``pids.max``), or None.

    Raises:
        OSError: The groups cannot be created (check :func:`cgroups_available` first).
    """

    def __init__(self, *, memory_limit_bytes: int | None, max_processes: int | None) -> None:
        _retry_abandoned()
        name = _new_name()
        self._dirs: list[Path] = []
        self.memory_limit_bytes = memory_limit_bytes
        self.memory_dir: Path | None = None
        try:
            pids_parent = _own_path("pids")
            if pids_parent is None:
                raise OSError("the cgroup v1 pids controller is not mounted")
            self.pids_dir = pids_parent / name
            self.pids_dir.mkdir(mode=0o755)
            self._dirs.append(self.pids_dir)
            if max_processes is not None:
                (self.pids_dir / "pids.max").write_text(str(max_processes))
            if memory_limit_bytes is not None:
                memory_parent = _own_path("memory")
                if memory_parent is None:
                    raise OSError("the cgroup v1 memory controller is not mounted")
                self.memory_dir = memory_parent / name
                self.memory_dir.mkdir(mode=0o755)
                self._dirs.append(self.memory_dir)
                (self.memory_dir / "memory.limit_in_bytes").write_text(str(memory_limit_bytes))
                swap = self.memory_dir / "memory.memsw.limit_in_bytes"
                with contextlib.suppress(OSError):  # no swap accounting on this kernel
                    swap.write_text(str(memory_limit_bytes))
        except BaseException:
            self.remove()
            raise
        self._procs_files = [str(d / "cgroup.procs") for d in self._dirs]

    def join(self) -> None:
        """Move the calling process into the groups (from a ``preexec_fn``: plain writes)."""
        pid = str(os.getpid()).encode()
        for path in self._procs_files:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, pid)
            finally:
                os.close(fd)

    def pids(self) -> list[int]:
        """The processes in the group now."""
        try:
            text = Path(self._procs_files[0]).read_text()
        except OSError:
            return []
        return [int(line) for line in text.split()]

    def oom_kills(self) -> int:
        """How many processes the kernel killed for going over the memory limit."""
        if self.memory_dir is None:
            return 0
        try:
            for line in (self.memory_dir / "memory.oom_control").read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def max_usage_bytes(self) -> int:
        """The most memory the group held at once."""
        if self.memory_dir is None:
            return 0
        try:
            return int((self.memory_dir / "memory.max_usage_in_bytes").read_text())
        except (OSError, ValueError):
            return 0

    def kill(self, *, spare: int | None = None, wait: float = 5.0) -> bool:
        """SIGKILL every process in the group (but ``spare``) until none is left.

        Returns whether the group is empty (but ``spare``) afterwards.
        """
        deadline = time.monotonic() + wait
        while True:
            targets = [pid for pid in self.pids() if pid != spare]
            if not targets:
                return True
            for pid in targets:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)

    def remove(self) -> None:
        """Remove the groups (they must be empty; zombies count until reaped)."""
        for directory in reversed(self._dirs):
            for _ in range(100):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.002)  # a killed process leaves the group a moment later
        self._dirs = []


def remove_later(cgroup: RunCgroup) -> None:
    """Remove ``cgroup`` once it is empty: tried again whenever a new group is made."""
    with _counter_lock:
        _abandoned.append(cgroup)


def _retry_abandoned() -> None:
    with _counter_lock:
        waiting = list(_abandoned)
        _abandoned.clear()
    for cgroup in waiting:
        if cgroup.pids():
            remove_later(cgroup)
        else:
            cgroup.remove()
