"""Results of a batch: the record of one run and the append-only, resumable JSONL file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import BatchResultsError

__all__ = ["BatchResult", "ResultsFile", "read_results", "result_line"]


@dataclass(frozen=True)
class BatchResult:
    """The outcome of one task of a batch, as written to one line of the results file.

    Attributes:
        id: The id of the task.
        final_message: The text of the agent's last message (``None`` if it failed).
        stop_reason: Why the agent stopped, as the agent reported it.
        prompt_tokens: Prompt tokens of every model call the run made.
        completion_tokens: Completion tokens of every model call the run made.
        duration: Wall-clock seconds of the run.
        error: ``None`` if the run finished, else what went wrong (a timeout included).
        metadata: The task's metadata, copied as is.
    """

    id: str
    final_message: str | None = None
    stop_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration: float = 0.0
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict[str, Any])

    @property
    def ok(self) -> bool:
        """Whether the run finished without an error."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON record of the result (usage nested under ``"usage"``)."""
        return {
            "id": self.id,
            "final_message": self.final_message,
            "stop_reason": self.stop_reason,
            "usage": {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
            },
            "duration": round(self.duration, 4),
            "error": self.error,
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchResult:
        """Read a record written by :meth:`to_dict`.

        Raises:
            ValueError: ``data`` is not such a record.
        """
        task_id = data.get("id")
        if not isinstance(task_id, str):
            raise ValueError("it has no string 'id'")
        usage: Any = data.get("usage") or {}
        metadata: Any = data.get("metadata") or {}
        if not isinstance(usage, dict) or not isinstance(metadata, dict):
            raise ValueError("'usage' and 'metadata' must be objects")
        usage_dict: dict[str, Any] = usage  # pyright: ignore[reportUnknownVariableType]
        final_message = data.get("final_message")
        stop_reason = data.get("stop_reason")
        error = data.get("error")
        return cls(
            id=task_id,
            final_message=None if final_message is None else str(final_message),
            stop_reason=None if stop_reason is None else str(stop_reason),
            prompt_tokens=int(usage_dict.get("prompt_tokens") or 0),
            completion_tokens=int(usage_dict.get("completion_tokens") or 0),
            duration=float(data.get("duration") or 0.0),
            error=None if error is None else str(error),
            metadata=metadata,  # pyright: ignore[reportUnknownArgumentType]
        )


def read_results(path: str | os.PathLike[str]) -> list[BatchResult]:
    """Read a results file written by a batch run.

    A task re-run with ``retry_failed`` has several records; the last one counts. A torn
    last line (the process died while writing it) is ignored.

    Args:
        path: The results file.

    Returns:
        The latest result of each task id, in the order of those latest records.

    Raises:
        BatchResultsError: The file cannot be read or a line (other than a torn last
            line) is not a result record.
    """
    file_path = Path(path)
    if not file_path.exists():
        raise BatchResultsError(f"Results file {file_path} does not exist.")
    return list(_parse(file_path, _read_text(file_path))[0].values())


class ResultsFile:
    """The JSONL results file of a batch: read what is done, then append and flush.

    Each record is written and flushed as soon as its run finishes, so a crash loses at
    most the runs in flight. A torn last line left by a crash is cut off when the file is
    opened again.

    Args:
        path: The results file; created (with its directory) if missing.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file: IO[str] | None = None

    def existing(self) -> dict[str, BatchResult]:
        """The latest recorded result of each task id (empty if the file does not exist).

        Raises:
            BatchResultsError: The file is not a results file.
        """
        if not self.path.exists():
            return {}
        return _parse(self.path, _read_text(self.path))[0]

    def open(self) -> None:
        """Open the file for appending, cutting off a torn last line first.

        Raises:
            BatchResultsError: The file cannot be created or written.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keep = None
            needs_newline = False
            if self.path.exists():
                text = _read_text(self.path)
                _, keep = _parse(self.path, text)
                needs_newline = keep is None and bool(text) and not text.endswith("\n")
            self._file = self.path.open("a", encoding="utf-8")
            if keep is not None:
                self._file.truncate(keep)
            if needs_newline:
                self._file.write("\n")
                self._file.flush()
        except OSError as exc:
            raise BatchResultsError(
                f"Cannot write results file {self.path}: {exc.strerror}. Choose another "
                "output path."
            ) from None

    def write(self, result: BatchResult) -> None:
        """Append ``result`` as one JSON line and flush it to the operating system.

        The line is always valid UTF-8 JSON that reads back to the same values: text that
        UTF-8 cannot hold (a lone surrogate, from a task's metadata or a model's answer)
        is written as a JSON ``\\u`` escape. Metadata that is not JSON data is written as
        its ``str()``; metadata that cannot be written at all (a cycle) is replaced by a
        note, and the result is still recorded.
        """
        if self._file is None:
            raise BatchResultsError("The results file is not open: call open() first.")
        line = result_line(result)
        try:
            self._file.write(line + "\n")
            self._file.flush()
        except OSError as exc:
            raise BatchResultsError(
                f"Cannot write to results file {self.path}: {exc.strerror}. The results "
                "written so far are kept; free space or choose another path, and re-run "
                "to resume."
            ) from None

    def close(self) -> None:
        """Close the file; safe to call twice."""
        if self._file is not None:
            self._file.close()
            self._file = None


def result_line(result: BatchResult) -> str:
    """``result`` as one line of JSON (without the newline) that UTF-8 can always hold."""
    record = result.to_dict()
    try:
        line = json.dumps(record, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError) as exc:
        record["metadata"] = {"unwritable_metadata": f"{type(exc).__name__}: {exc}"}
        line = json.dumps(record, ensure_ascii=False, default=str)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: escaped, so they read back as they were
        line = json.dumps(record, ensure_ascii=True, default=str)
    return line


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")  # no newline translation: offsets are exact
    except UnicodeDecodeError:
        raise BatchResultsError(
            f"{path} is not a results file (not UTF-8 text): choose another output path."
        ) from None
    except OSError as exc:
        raise BatchResultsError(f"Cannot read results file {path}: {exc.strerror}.") from None


def _parse(path: Path, text: str) -> tuple[dict[str, BatchResult], int | None]:
    """The results in ``text``, and the byte length to keep if the last line is torn."""
    results: dict[str, BatchResult] = {}
    lines = text.split("\n")
    offset = 0
    for number, line in enumerate(lines, start=1):
        is_last = number == len(lines)
        start = offset
        offset += len(line.encode("utf-8")) + 1
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("it is not a JSON object")
            result = BatchResult.from_dict(data)  # pyright: ignore[reportUnknownArgumentType]
        except (ValueError, TypeError, RecursionError) as exc:
            if is_last:  # a crash while writing: the task runs again
                return results, start
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise BatchResultsError(
                f"Line {number} of {path} is not a batch result ({reason}). Fix or delete "
                "that line, or write the results to another file."
            ) from None
        results.pop(result.id, None)
        results[result.id] = result
    return results, None
