"""Host uids for sandboxes: one per running sandbox, so per-uid limits are per sandbox.

A uid is held through an exclusive ``flock`` on a file in a private directory under
``/run/lock``, so sandboxes of other processes on the same machine never share one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
import threading
from dataclasses import dataclass

from ...errors import SandboxUnavailableError

__all__ = ["FIRST_SANDBOX_UID", "SANDBOX_UID_COUNT", "SandboxIdentity", "acquire_uid"]

FIRST_SANDBOX_UID = 3_100_000
"""The first host uid given to sandboxes (far above any login user's uid)."""
SANDBOX_UID_COUNT = 4096
"""How many sandbox uids exist, so at most this many sandboxes run at once on a machine."""

_lock = threading.Lock()
_next = 0


def _lock_dir() -> str:
    """A directory only we own, at a fixed place so every process on the machine uses it."""
    parent = "/run/lock" if os.path.isdir("/run/lock") else tempfile.gettempdir()
    path = os.path.join(parent, f"agentparts-sandbox-uids-{os.geteuid()}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise SandboxUnavailableError(
            f"{path} is not a private directory of this user (someone else created it, or "
            "it is a symlink): remove it so the sandbox can hold its uid locks there."
        )
    return path


@dataclass
class SandboxIdentity:
    """A host uid and gid held for one sandbox until :meth:`release`."""

    uid: int
    gid: int
    _fd: int | None

    def release(self) -> None:
        """Give the uid back."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def acquire_uid() -> SandboxIdentity:
    """Hold a sandbox uid that no other sandbox on this machine uses right now.

    Raises:
        SandboxUnavailableError: Every sandbox uid is in use.
    """
    global _next
    directory = _lock_dir()
    with _lock:
        for _ in range(SANDBOX_UID_COUNT):
            offset = _next
            _next = (_next + 1) % SANDBOX_UID_COUNT
            uid = FIRST_SANDBOX_UID + offset
            fd = os.open(os.path.join(directory, str(uid)), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            return SandboxIdentity(uid=uid, gid=uid, _fd=fd)
    raise SandboxUnavailableError(
        f"All {SANDBOX_UID_COUNT} sandbox uids are in use: stop some running sandboxes "
        "(SandboxedCodeExecutor.stop()) and try again."
    )
