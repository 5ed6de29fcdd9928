"""A caller's work directory, writable in the sandbox without changing its owner or mode.

The sandbox runs as its own host uid, which may not write into a folder the caller owns.
Instead of chowning that folder, the executor mounts it *id-mapped* (Linux >= 5.12,
``open_tree`` + ``mount_setattr(MOUNT_ATTR_IDMAP)``): through that mount the folder's
owner appears as the sandbox uid, and whatever the sandbox writes is stored on disk as the
folder's owner, so the host user can read and remove it. The folder itself is never
chowned or chmodded.

Files stored as the folder's owner (often root) must never become set-user-id programs:
:func:`no_setid_filter` is a seccomp program that refuses to set the set-user-id and
set-group-id bits (``chmod`` family, creating files, ``mknod``) and refuses io_uring,
which could do the same without a system call the filter sees. Exec bits the code set
are cleared after each run (see the executor).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import signal
import struct
import tempfile

__all__ = [
    "IdmapUnavailableError",
    "attach_idmapped",
    "detach",
    "filter_file",
    "idmap_supported",
    "no_setid_filter",
]

_SYS_OPEN_TREE = 428
_SYS_MOVE_MOUNT = 429
_SYS_MOUNT_SETATTR = 442
_OPEN_TREE_CLONE = 1
_OPEN_TREE_CLOEXEC = os.O_CLOEXEC
_AT_EMPTY_PATH = 0x1000
_AT_FDCWD = -100
_MOVE_MOUNT_F_EMPTY_PATH = 0x4
_MOUNT_ATTR_NOSUID = 0x2
_MOUNT_ATTR_NODEV = 0x4
_MOUNT_ATTR_IDMAP = 0x100000
_MNT_DETACH = 2
_CLONE_NEWUSER = 0x10000000


class IdmapUnavailableError(OSError):
    """This kernel, file system or process cannot make an id-mapped mount."""


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def idmap_supported() -> bool:
    """Whether id-mapped work directories can work here at all (root, x86-64 Linux)."""
    return os.geteuid() == 0 and platform.system() == "Linux" and platform.machine() == "x86_64"


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _userns_fd(disk_uid: int, disk_gid: int, sandbox_uid: int, sandbox_gid: int) -> int:
    """A user namespace descriptor mapping the disk owner to the sandbox uid (and gid)."""
    libc = _libc()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child, exits below
        try:
            os.close(read_end)
            ok = libc.unshare(_CLONE_NEWUSER) == 0
            os.write(write_end, b"1" if ok else b"0")
            os.read(write_end, 1)  # never returns data: wait to be killed
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        if os.read(read_end, 1) != b"1":
            raise IdmapUnavailableError(errno.EPERM, "cannot create a user namespace")
        with open(f"/proc/{pid}/uid_map", "w") as f:
            f.write(f"{disk_uid} {sandbox_uid} 1\n")
        with open(f"/proc/{pid}/setgroups", "w") as f:
            f.write("deny")
        with open(f"/proc/{pid}/gid_map", "w") as f:
            f.write(f"{disk_gid} {sandbox_gid} 1\n")
        return os.open(f"/proc/{pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.close(read_end)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def attach_idmapped(path: str, mount_point: str, sandbox_uid: int, sandbox_gid: int) -> None:
    """Mount ``path`` at ``mount_point`` so its owner appears as the sandbox uid.

    Raises:
        IdmapUnavailableError: The kernel or file system cannot do it (with the reason).
    """
    st = os.stat(path)
    libc = _libc()
    ns_fd = _userns_fd(st.st_uid, st.st_gid, sandbox_uid, sandbox_gid)
    tree = -1
    try:
        tree = libc.syscall(
            _SYS_OPEN_TREE, _AT_FDCWD, path.encode(), _OPEN_TREE_CLONE | _OPEN_TREE_CLOEXEC
        )
        if tree < 0:
            raise _error("open_tree", path)
        attr = _MountAttr(_MOUNT_ATTR_IDMAP | _MOUNT_ATTR_NOSUID | _MOUNT_ATTR_NODEV, 0, 0, ns_fd)
        if (
            libc.syscall(
                _SYS_MOUNT_SETATTR,
                tree,
                b"",
                _AT_EMPTY_PATH,
                ctypes.byref(attr),
                ctypes.sizeof(attr),
            )
            < 0
        ):
            raise _error("mount_setattr(MOUNT_ATTR_IDMAP)", path)
        if (
            libc.syscall(
                _SYS_MOVE_MOUNT,
                tree,
                b"",
                _AT_FDCWD,
                mount_point.encode(),
                _MOVE_MOUNT_F_EMPTY_PATH,
            )
            < 0
        ):
            raise _error("move_mount", path)
    finally:
        if tree >= 0:
            os.close(tree)
        os.close(ns_fd)


def detach(mount_point: str) -> None:
    """Lazily unmount ``mount_point`` (mounts already made from it stay)."""
    _libc().umount2(mount_point.encode(), _MNT_DETACH)


def _error(what: str, path: str) -> IdmapUnavailableError:
    code = ctypes.get_errno()
    return IdmapUnavailableError(code, f"{what} failed for {path}: {os.strerror(code)}")


# --- seccomp: no set-user-id or set-group-id bits -------------------------------------

_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_BIT = 0x40000000
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_ABS = 0x20
_JEQ = 0x15
_JGE = 0x35
_JSET = 0x45
_RET = 0x06
_SETID_BITS = 0o6000
_O_CREAT_OR_TMPFILE = 0o100 | 0o20000000

# x86-64 system call: (argument index of the mode, argument index of open flags or None).
_MODE_CALLS: dict[int, tuple[int, int | None]] = {
    90: (1, None),  # chmod
    91: (1, None),  # fchmod
    268: (2, None),  # fchmodat
    452: (2, None),  # fchmodat2
    2: (2, 1),  # open
    257: (3, 2),  # openat
    85: (1, None),  # creat
    133: (1, None),  # mknod
    259: (2, None),  # mknodat
}
_REFUSED_CALLS = {425: errno.EPERM, 437: errno.ENOSYS}  # io_uring_setup, openat2


def no_setid_filter() -> bytes:
    """A seccomp BPF program (x86-64) refusing set-user-id and set-group-id bits."""
    program: list[tuple[int, int, int, int | str]] = []  # code, jt, jf, k (or label)
    labels: dict[str, int] = {}
    jumps: list[tuple[int, str, str]] = []  # index, true label, false label

    def emit(code: int, k: int) -> None:
        program.append((code, 0, 0, k))

    def branch(code: int, k: int, true: str, false: str) -> None:
        jumps.append((len(program), true, false))
        program.append((code, 0, 0, k))

    emit(_LD_ABS, 4)  # arch
    branch(_JEQ, _AUDIT_ARCH_X86_64, "next0", "deny")
    labels["next0"] = len(program)
    emit(_LD_ABS, 0)  # syscall number
    branch(_JGE, _X32_BIT, "deny", "next1")
    labels["next1"] = len(program)
    for number in _MODE_CALLS:
        label = f"check{number}"
        branch(_JEQ, number, label, f"after{number}")
        labels[f"after{number}"] = len(program)
    for number, code in _REFUSED_CALLS.items():
        branch(_JEQ, number, f"errno{code}", f"afterr{number}")
        labels[f"afterr{number}"] = len(program)
    emit(_RET, _RET_ALLOW)  # every other system call
    for number, (mode_arg, flags_arg) in _MODE_CALLS.items():
        labels[f"check{number}"] = len(program)
        if flags_arg is not None:
            emit(_LD_ABS, 16 + 8 * flags_arg)
            branch(_JSET, _O_CREAT_OR_TMPFILE, f"mode{number}", "allow")
            labels[f"mode{number}"] = len(program)
        emit(_LD_ABS, 16 + 8 * mode_arg)
        branch(_JSET, _SETID_BITS, "deny", "allow")
    for code in set(_REFUSED_CALLS.values()):
        labels[f"errno{code}"] = len(program)
        emit(_RET, _RET_ERRNO | code)
    labels["allow"] = len(program)
    emit(_RET, _RET_ALLOW)
    labels["deny"] = len(program)
    emit(_RET, _RET_ERRNO | errno.EPERM)
    out = bytearray()
    jump_at = {index: (true, false) for index, true, false in jumps}
    for index, (code, _, _, k) in enumerate(program):
        jt = jf = 0
        if index in jump_at:
            true, false = jump_at[index]
            jt, jf = labels[true] - index - 1, labels[false] - index - 1
            if not (0 <= jt < 256 and 0 <= jf < 256):
                raise AssertionError("seccomp jump out of range")
        out += struct.pack("=HBBI", code, jt, jf, int(k))
    return bytes(out)


def filter_file() -> int:
    """A descriptor of an unlinked file holding :func:`no_setid_filter` (for ``--seccomp``)."""
    fd, path = tempfile.mkstemp(prefix="agentparts-seccomp-")
    os.unlink(path)
    os.write(fd, no_setid_filter())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
