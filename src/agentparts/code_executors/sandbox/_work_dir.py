"""The sandbox's side of the work directory: how it is mounted, its size, its files' modes."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Generator
from pathlib import Path

from ...errors import CodeExecutionError
from ._idmap import IdmapUnavailableError, attach_idmapped, detach

__all__ = ["check_idmap", "clear_exec_bits", "mounted_work_dir", "work_dir_too_big"]

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


@contextlib.contextmanager
def mounted_work_dir(
    work_dir: Path, mount_point: Path | None, uid: int, gid: int
) -> Generator[int]:
    """An ``O_PATH`` descriptor of the work directory as the sandbox must bind it.

    With ``mount_point``, the work directory is mounted there id-mapped (its owner appears
    as ``uid``) for as long as the block runs: long enough for bubblewrap to bind it.

    Raises:
        IdmapUnavailableError: The id-mapped mount cannot be made here.
    """
    if mount_point is None:
        fd = os.open(work_dir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            yield fd
        finally:
            os.close(fd)
        return
    attach_idmapped(str(work_dir), str(mount_point), uid, gid)
    try:
        fd = os.open(mount_point, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            yield fd
        finally:
            os.close(fd)
    finally:
        detach(str(mount_point))


def check_idmap(work_dir: Path, mount_point: Path, uid: int, gid: int, given: bool) -> bool:
    """Whether the work directory can be mounted id-mapped; for a given one, it must.

    Raises:
        CodeExecutionError: A given work directory cannot be mounted id-mapped here.
    """
    try:
        with mounted_work_dir(work_dir, mount_point, uid, gid):
            return True
    except (IdmapUnavailableError, OSError) as exc:
        if given:
            raise CodeExecutionError(
                f"The sandbox cannot write into the work directory {work_dir} without changing "
                f"its owner, and it never does that: an id-mapped mount is needed, and it failed "
                f"({exc}). It needs Linux >= 5.12, root, and a file system that supports "
                "id-mapped mounts (ext4, xfs, btrfs, tmpfs >= 6.3). Use a work directory on such "
                "a file system, or leave work_dir unset for a private temporary one."
            ) from exc
        return False


def clear_exec_bits(work_dir: Path, since_ns: int) -> None:
    """Make files and folders changed since ``since_ns`` safe for the host user.

    Regular files lose their execute, set-user-id, set-group-id and group/other write
    bits (at most ``rw-r--r--``), folders their group/other write, set-group-id and sticky
    bits (at most ``rwxr-xr-x``): a file the sandbox wrote is never left for a host user
    to run by accident, nor for another user to change. Links are never followed; each
    entry is changed through a descriptor of itself, opened without following or blocking.
    """
    stack = [str(work_dir)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append(entry.path)
                if st.st_ctime_ns >= since_ns and st.st_mode & 0o7022:
                    _restrict(entry.path, st, 0o755, os.O_DIRECTORY)
            elif stat.S_ISREG(st.st_mode) and st.st_ctime_ns >= since_ns and st.st_mode & 0o7133:
                _restrict(entry.path, st, 0o644, 0)


def _restrict(path: str, seen: os.stat_result, allowed: int, flags: int) -> None:
    try:
        fd = os.open(path, _OPEN_FLAGS | flags)
    except OSError:
        return
    try:
        st = os.fstat(fd)
        if stat.S_IFMT(st.st_mode) == stat.S_IFMT(seen.st_mode) and (st.st_dev, st.st_ino) == (
            seen.st_dev,
            seen.st_ino,
        ):
            os.fchmod(fd, stat.S_IMODE(st.st_mode) & allowed)
    except OSError:
        pass
    finally:
        os.close(fd)


def work_dir_too_big(work_dir: Path, max_bytes: int, max_files: int) -> str | None:
    """Why the work directory is over its limits, or None."""
    total = count = 0
    stack = [str(work_dir)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            count += 1
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
        if total > max_bytes:
            return f"the work directory grew past {max_bytes} bytes; write less data"
        if count > max_files:
            return f"the work directory holds more than {max_files} files; write fewer files"
    return None
