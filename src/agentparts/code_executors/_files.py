"""Languages, code files and the ``# filename:`` directive, shared by the executors."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

__all__ = [
    "LANGUAGE_ALIASES",
    "UnsafeFilenameError",
    "canonical_language",
    "code_file_path",
    "file_extension",
    "filename_from_code",
    "unsupported_language_message",
    "write_code_file",
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


class UnsafeFilenameError(ValueError):
    """A ``# filename:`` directive names a path outside the work directory."""


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


def code_file_path(work_dir: Path, code: str, language: str) -> Path:
    """Where the code of a block is written: its ``# filename:`` or a content hash.

    Raises:
        UnsafeFilenameError: The directive names a path outside ``work_dir`` (``..``, an
            absolute path elsewhere, or a symlink that leads out).
    """
    root = work_dir.resolve()
    name = filename_from_code(code)
    if name is None:
        digest = hashlib.sha256(code.encode()).hexdigest()[:16]
        return root / f"tmp_code_{digest}.{file_extension(language)}"
    target = (root / name).resolve()
    if target == root or root not in target.parents:
        raise UnsafeFilenameError(
            f"Refused to write code to {name!r}: it is outside the work directory. "
            "Use a relative file name inside the work directory."
        )
    return target


def write_code_file(path: Path, code: str, owner: tuple[int, int] | None = None) -> None:
    """Write ``code`` to ``path`` without following a symlink at the last component.

    Args:
        path: The file, inside a work directory (parents are created).
        code: The text.
        owner: ``(uid, gid)`` that must own the file and the directories created for it.
    """
    missing = [p for p in reversed(path.parents) if not p.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        if owner is not None:
            os.fchown(f.fileno(), *owner)
        f.write(code)
    if owner is not None:
        for directory in missing:
            os.chown(directory, *owner, follow_symlinks=False)
