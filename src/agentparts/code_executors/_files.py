"""Languages, code files and the ``# filename:`` directive, shared by the executors.

Code files are written into a work directory that the executed code controls: a block
may leave a named pipe, a symbolic link, a device node or a directory where the next
block's file goes. So every file operation here walks the path one directory at a time
with ``O_NOFOLLOW`` (a link anywhere in the path is refused, never followed), never opens
an existing entry for writing (the new content goes to a fresh temporary file, renamed
over the name only if that name is free or a regular file), and never blocks on what it
finds (``O_NONBLOCK``; a pipe or device is refused before it is opened). What the code
caused becomes a :class:`CodeFileError` whose message is shown as the run's output.
These functions make blocking system calls: executors call them off the event loop.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import posixpath
import re
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_logger = logging.getLogger("agentparts.code_executors")

__all__ = [
    "LANGUAGE_ALIASES",
    "CodeFile",
    "CodeFileError",
    "UnsafeFilenameError",
    "canonical_language",
    "code_file_for",
    "file_extension",
    "filename_from_code",
    "remove_code_files",
    "unsupported_language_message",
    "write_code_file",
    "write_new_file",
]

LANGUAGE_ALIASES: dict[str, str] = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "bash": "bash",
    "sh": "sh",
    "shell": "sh",
    "pwsh": "pwsh",
    "powershell": "pwsh",
    "ps1": "pwsh",
}

_EXTENSIONS = {"python": "py", "bash": "sh", "sh": "sh", "pwsh": "ps1"}
_FILENAME = re.compile(r"^\s*(?:#|//)\s*filename:\s*(?P<name>\S.*?)\s*$", re.IGNORECASE)
_NAME_MAX = 255  # bytes in one path component (Linux NAME_MAX)
_PATH_MAX = 4095  # bytes in a whole path, without the final NUL (Linux PATH_MAX - 1)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
_NEW_FILE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
)


class CodeFileError(ValueError):
    """A code file cannot be written or named as the code asked.

    Executors turn it into a failed result (exit code 1) with this message as output: it
    is caused by the code or the model, never an error of the caller.
    """


class UnsafeFilenameError(CodeFileError):
    """A ``# filename:`` directive names a path outside the work directory."""


@dataclass(frozen=True)
class CodeFile:
    """Where the code of one block is written.

    Attributes:
        work_dir: The work directory (resolved).
        parts: The path inside it, one component per item (no ``.``, ``..`` or empty parts).
        named: Whether a ``# filename:`` directive named it (such files are kept).
    """

    work_dir: Path
    parts: tuple[str, ...]
    named: bool = False

    @property
    def path(self) -> Path:
        """The full path of the file."""
        return self.work_dir.joinpath(*self.parts)


def canonical_language(language: str) -> str | None:
    """The canonical name of ``language`` (``py`` -> ``python``), or None if unknown."""
    return LANGUAGE_ALIASES.get(language.strip().lower())


def file_extension(language: str) -> str:
    """The file extension for a canonical language."""
    return _EXTENSIONS[language]


def unsupported_language_message(language: str, supported: list[str]) -> str:
    """The error output for a block in a language the executor cannot run."""
    return (
        f"Unsupported language {language!r}: this executor runs {', '.join(supported)}. "
        "Write the code block in one of those languages."
    )


def filename_from_code(code: str) -> str | None:
    """The name given by a ``# filename: name`` comment on the first line, if any."""
    first_line = code.lstrip("\n").split("\n", 1)[0]
    match = _FILENAME.match(first_line)
    return match.group("name") if match else None


def code_file_for(work_dir: Path, code: str, language: str) -> CodeFile:
    """Where the code of a block goes: its ``# filename:`` or a content hash.

    Only the name is checked here (no file system access): what the path meets on disk
    is checked by :func:`write_code_file`.

    Args:
        work_dir: The resolved work directory.
        code: The block's code.
        language: Its canonical language.

    Raises:
        UnsafeFilenameError: The directive names a path outside ``work_dir``.
        CodeFileError: The name has a NUL character, is too long or is not valid text.
    """
    name = filename_from_code(code)
    if name is None:
        digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return CodeFile(work_dir, (f"tmp_code_{digest}.{file_extension(language)}",))
    return CodeFile(work_dir, _relative_parts(work_dir, name), named=True)


def _relative_parts(work_dir: Path, name: str) -> tuple[str, ...]:
    shown = _shown(name)
    if "\0" in name:
        raise CodeFileError(
            f"Refused to write code to {shown}: the file name contains a NUL character. "
            "Use a plain relative file name."
        )
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise CodeFileError(
            f"Refused to write code to {shown}: the file name is not valid text "
            "(it holds a lone surrogate character). Use a plain relative file name."
        ) from None
    absolute = name.startswith("/")
    kept: list[str] = []
    for part in name.split("/"):
        if part == "..":
            if kept:
                kept.pop()
            elif not absolute:  # ("/.." is "/")
                raise _outside(shown)
        elif part not in ("", "."):
            kept.append(part)
    if absolute:
        root = [p for p in str(work_dir).split("/") if p]
        if kept[: len(root)] != root:
            raise _outside(shown)
        kept = kept[len(root) :]
    if not kept:
        raise CodeFileError(
            f"Refused to write code to {shown}: it names the work directory itself. "
            "Give a file name such as 'script.py'."
        )
    too_long = [p for p in kept if len(p.encode("utf-8")) > _NAME_MAX]
    if too_long or len(posixpath.join(str(work_dir), *kept).encode("utf-8")) > _PATH_MAX:
        limit = f"{_NAME_MAX} bytes per name" if too_long else f"{_PATH_MAX} bytes in all"
        raise CodeFileError(
            f"Refused to write code to {shown}: the file name is too long (at most {limit}). "
            "Use a shorter file name."
        )
    return tuple(kept)


def _outside(shown: str) -> UnsafeFilenameError:
    return UnsafeFilenameError(
        f"Refused to write code to {shown}: it is outside the work directory (Filename is "
        "not in the workspace). Use a relative file name inside the work directory."
    )


def _shown(name: str) -> str:
    """``name`` for a message: quoted, escaped, and cut when it is very long."""
    text = repr(name)
    return text if len(text) <= 80 else f"{text[:60]}...{text[-15:]} ({len(name)} characters)"


def write_code_file(file: CodeFile, code: str, owner: tuple[int, int] | None = None) -> None:
    """Write ``code`` to ``file``, safely against whatever the executed code left there.

    Missing directories are created (mode 0755). A symbolic link anywhere in the path, or a
    name that exists as anything but a regular file (directory, named pipe, device,
    socket, link), is refused. The code goes to a new temporary file in the same
    directory, renamed over the name: an existing file is replaced, never opened.
    Blocking: call it off the event loop.

    Args:
        file: Where to write.
        code: The text, written as UTF-8.
        owner: ``(uid, gid)`` that must own the file and the directories created for it.

    Raises:
        CodeFileError: The file cannot be written (the message says why and what to do).
    """
    shown = _shown(posixpath.join(*file.parts))
    try:
        data = code.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start]
        raise CodeFileError(
            f"Refused to write code to {shown}: the code holds a character that cannot be "
            f"written as UTF-8 (U+{ord(bad):04X}, a lone surrogate, at position {exc.start}). "
            "Remove it from the code."
        ) from None
    try:
        parent = _open_parent(file.work_dir, file.parts[:-1], owner=owner, shown=shown)
    except OSError as exc:
        raise _os_failure(shown, exc) from None
    try:
        _replace_file(parent, file.parts[-1], data, owner=owner, shown=shown)
    except OSError as exc:
        raise _os_failure(shown, exc) from None
    finally:
        os.close(parent)


def remove_code_files(files: Iterable[CodeFile]) -> None:
    """Delete ``files`` if they are still there; never follows a link and never raises.

    A name that the code replaced by a directory is left alone. A file that cannot be
    deleted (the code made its folder read-only, say) is logged as an error on the
    ``agentparts.code_executors`` logger, as AutoGen logs it. Blocking: call it off the
    event loop.
    """
    for file in files:
        try:
            parent = _open_parent(file.work_dir, file.parts[:-1], owner=None, shown="")
        except (OSError, CodeFileError):
            continue
        try:
            os.unlink(file.parts[-1], dir_fd=parent)  # never follows the last link
        except FileNotFoundError:
            pass
        except OSError as exc:
            if not (exc.errno == errno.EISDIR or os.path.isdir(file.path)):
                _logger.error("Failed to delete temporary file %s: %s", file.path, exc)
        finally:
            os.close(parent)


def write_new_file(directory: Path, name: str, data: bytes) -> None:
    """Create ``directory/name`` (which must not exist) with ``data``, following no link.

    Blocking: call it off the event loop.

    Raises:
        OSError: The file exists, or ``directory`` cannot be written.
    """
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fd = os.open(name, _NEW_FILE_FLAGS, 0o644, dir_fd=dir_fd)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)


def _open_parent(
    work_dir: Path, parts: tuple[str, ...], *, owner: tuple[int, int] | None, shown: str
) -> int:
    """A descriptor of the directory ``work_dir/parts``, walked without following links."""
    fd = os.open(work_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for index, part in enumerate(parts):
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                try:
                    os.mkdir(part, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass  # made meanwhile: opened (and checked) below
                else:
                    if owner is not None:
                        os.chown(part, *owner, dir_fd=fd, follow_symlinks=False)
                child = _open_dir(part, fd, parts[: index + 1], shown)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                child = _open_dir(part, fd, parts[: index + 1], shown)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_dir(part: str, dir_fd: int, where: tuple[str, ...], shown: str) -> int:
    """Open a directory entry that must be a real directory, or say what it is."""
    try:
        return os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        mode = os.stat(part, dir_fd=dir_fd, follow_symlinks=False).st_mode
    raise _not_a_regular_entry(shown, posixpath.join(*where), mode, wanted="directory")


def _replace_file(
    dir_fd: int, name: str, data: bytes, *, owner: tuple[int, int] | None, shown: str
) -> None:
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISREG(mode):
            raise _not_a_regular_entry(shown, name, mode, wanted="file")
    temp = f".agentparts-{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, _NEW_FILE_FLAGS, 0o644, dir_fd=dir_fd)
    try:
        try:
            if owner is not None:
                os.fchown(fd, *owner)
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.rename(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device node"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file"


def _not_a_regular_entry(shown: str, where: str, mode: int, *, wanted: str) -> CodeFileError:
    kind = _kind(mode)
    if stat.S_ISLNK(mode):
        why = (
            "code files are never written through links, which could lead outside the "
            "work directory"
        )
    else:
        why = f"not a {wanted}"
    return CodeFileError(
        f"Refused to write code to {shown}: {where!r} in the work directory is {kind} "
        f"({why}). Remove it, or use another file name."
    )


def _os_failure(shown: str, exc: OSError) -> CodeFileError:
    if exc.errno == errno.ENAMETOOLONG:
        reason = "the file name is too long; use a shorter one"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "the disk is full; write less data"
    elif exc.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
        reason = "a directory has that name; use another file name"
    else:
        reason = f"{exc.strerror or type(exc).__name__}; use another file name"
    return CodeFileError(f"Could not write code to {shown}: {reason}.")
