"""The bubblewrap command line and the limits of one sandboxed run."""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ...errors import SandboxUnavailableError

__all__ = ["INSTALL_HINT", "SandboxLimits", "bwrap_argv", "find_bwrap", "probe_bwrap", "set_limits"]

INSTALL_HINT = "Install bubblewrap: `apt-get install -y bubblewrap` (Debian/Ubuntu)."

# Read-only system paths that programs inside need (those missing on a host are skipped).
# Each mount costs start-up time: only what programs read at run time (no network, so no
# certificates or resolver files).
_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime")
_USR_SYMLINKS = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of each sandboxed run.

    Attributes:
        memory_bytes: Memory of the whole run where a memory cgroup is available, and
            address space per process (``RLIMIT_AS``) everywhere.
        cpu_seconds: CPU time per process (``RLIMIT_CPU``).
        max_processes: Processes and threads of the sandbox's uid (``RLIMIT_NPROC``).
        max_file_size_bytes: Largest file a process may write (``RLIMIT_FSIZE``).
        max_open_files: Open file descriptors per process (``RLIMIT_NOFILE``).
    """

    memory_bytes: int
    cpu_seconds: int
    max_processes: int
    max_file_size_bytes: int
    max_open_files: int = 1024


def set_limits(limits: SandboxLimits, *, cpu: bool = True) -> Callable[[], None]:
    """A ``preexec_fn`` that lowers the rlimits in the child, before bubblewrap starts.

    With ``cpu=False`` the CPU time limit is left for each run to set (the supervisor of a
    sandbox lives longer than one run).
    """

    def apply() -> None:
        pairs = (
            (resource.RLIMIT_AS, limits.memory_bytes),
            *(((resource.RLIMIT_CPU, limits.cpu_seconds),) if cpu else ()),
            (resource.RLIMIT_NPROC, limits.max_processes),
            (resource.RLIMIT_FSIZE, limits.max_file_size_bytes),
            (resource.RLIMIT_NOFILE, limits.max_open_files),
            (resource.RLIMIT_CORE, 0),
        )
        for which, value in pairs:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))

    return apply


def find_bwrap(path: str | None = None) -> str:
    """The path of the bubblewrap binary: ``path``, or ``bwrap`` on ``PATH`` or in /usr/bin.

    Raises:
        SandboxUnavailableError: bubblewrap is not installed (or not at ``path``).
    """
    if path is None:
        path = shutil.which("bwrap") or shutil.which("bwrap", path="/usr/bin")
    elif not (os.path.isfile(path) and os.access(path, os.X_OK)):
        path = None
    if path is None:
        raise SandboxUnavailableError(
            "bubblewrap (bwrap) is not installed, so code cannot run in a sandbox and "
            f"agentparts will not run it unsandboxed. {INSTALL_HINT}"
        )
    return path


@functools.cache
def probe_bwrap(bwrap: str, uid: int | None) -> None:
    """Check once per process that bubblewrap can create a sandbox here.

    Raises:
        SandboxUnavailableError: bubblewrap fails (user namespaces disabled, too old, ...).
    """
    argv = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--as-pid-1",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    argv += [*_symlinks(), "--", "/usr/bin/true"]
    try:
        if uid is None:
            done = subprocess.run(argv, capture_output=True, timeout=30, check=False)
        else:
            done = subprocess.run(
                argv,
                capture_output=True,
                timeout=30,
                check=False,
                user=uid,
                group=uid,
                extra_groups=[],
            )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailableError(
            f"bubblewrap could not be started: {exc}. {INSTALL_HINT}"
        ) from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise SandboxUnavailableError(
            f"bubblewrap cannot create a sandbox here: {message or done.returncode}. It needs "
            "bubblewrap >= 0.8 (for --disable-userns) and unprivileged user namespaces "
            "(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0). "
            f"{INSTALL_HINT}"
        )


def _symlinks() -> list[str]:
    argv: list[str] = []
    for name in _USR_SYMLINKS:
        if os.path.islink(f"/{name}"):
            argv += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            argv += ["--ro-bind", f"/{name}", f"/{name}"]
    return argv


def bwrap_argv(
    bwrap: str,
    *,
    work_dir: str,
    work_dir_fd: int,
    passwd_file: str | None,
    group_file: str | None,
    env: Mapping[str, str],
    tmp_size_bytes: int,
    extra_ro_binds: Sequence[str],
    command: Sequence[str],
    seccomp_fd: int | None = None,
) -> list[str]:
    """The bubblewrap command that runs ``command`` in a fresh sandbox.

    The sandbox: new user, pid, network, IPC, UTS and cgroup namespaces (so no network),
    no nested user namespaces, no capabilities, a new session, dies with its parent,
    read-only ``/usr`` and a few files of ``/etc``, fresh ``/proc``, ``/dev`` and
    ``/tmp``, the work directory as the only writable host path, read-only ``/``, and
    the seccomp program in ``seccomp_fd`` if given.
    """
    argv = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        # The command is agentparts' supervisor, pid 1 of the sandbox: it reaps everything
        # inside. Without a bwrap init in between, the outer bwrap waits for the supervisor
        # itself, so the host reaps bwrap and bwrap reaps the supervisor: no zombie is ever
        # left to a host pid 1 that does not reap (containers).
        "--as-pid-1",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--clearenv",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
        *_symlinks(),
    ]
    for path in _SYSTEM_FILES:
        argv += ["--ro-bind-try", path, path]
    if passwd_file is not None:
        argv += ["--ro-bind", passwd_file, "/etc/passwd"]
    if group_file is not None:
        argv += ["--ro-bind", group_file, "/etc/group"]
    for path in extra_ro_binds:
        argv += ["--ro-bind", path, path]
    size = str(tmp_size_bytes)
    argv += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm"]
    argv += ["--size", size, "--tmpfs", "/tmp"]
    argv += ["--bind-fd", str(work_dir_fd), work_dir, "--chdir", work_dir]
    for name, value in env.items():
        argv += ["--setenv", name, value]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    argv += ["--remount-ro", "/dev", "--remount-ro", "/", "--", *command]
    return argv
