"""Tasks of a batch: the JSONL tasks file, with a line-numbered error for every bad line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BatchInputError

__all__ = ["BatchTask", "TaskFile", "TaskLineError", "coerce_tasks", "read_tasks"]

_TASK_KEYS = ("id", "metadata", "task")


@dataclass(frozen=True)
class BatchTask:
    """One task of a batch: the text given to a fresh agent, an id and free metadata.

    Attributes:
        id: Unique within the batch; results are matched to tasks (and resumed) by id.
        task: The task text, passed to ``agent.run(task=...)``.
        metadata: JSON-serializable data copied into the task's result as is.
    """

    id: str
    task: str
    metadata: dict[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True)
class TaskLineError:
    """A line of a tasks file that is not a valid task; the other lines still run.

    Attributes:
        line: The 1-based line number in the tasks file.
        message: What is wrong with the line and how to fix it.
    """

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class TaskFile:
    """The valid tasks of a tasks file and the errors of its bad lines.

    Attributes:
        path: The file that was read.
        tasks: The valid tasks, in file order.
        errors: One error per bad line, in file order.
    """

    path: Path
    tasks: list[BatchTask]
    errors: list[TaskLineError]


def read_tasks(path: str | os.PathLike[str]) -> TaskFile:
    """Read a JSONL tasks file.

    Each non-blank line is a JSON object ``{"task": "...", "id": "...", "metadata": {...}}``
    (``id`` and ``metadata`` are optional) or a bare JSON string, the task text. A task
    without an id gets ``"line-N"``, N being its line number, so ids stay stable when the
    file grows at the end. A bad line is reported with its number and skipped.

    Lines end at ``"\\n"`` only (a ``"\\r"`` before it is ignored): characters that some
    tools also count as line breaks (U+2028, U+2029, U+0085, form feed, vertical tab)
    stay inside their line, so line numbers and ids never shift. Control characters
    inside JSON strings, such as a raw tab or form feed, are accepted as they are.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "tasks.jsonl"
        >>> _ = p.write_text('{"id": "a", "task": "Say hi"}\\n"Count to 3"\\n{oops\\n')
        >>> tasks = read_tasks(p)
        >>> [t.id for t in tasks.tasks], [e.line for e in tasks.errors]
        (['a', 'line-2'], [3])

    Args:
        path: The tasks file, UTF-8 JSON Lines.

    Raises:
        BatchInputError: The file does not exist or cannot be read as UTF-8 text.
    """
    file_path = Path(path)
    try:
        text = file_path.read_bytes().decode("utf-8")  # no newline translation
    except FileNotFoundError:
        raise BatchInputError(
            f"Tasks file {file_path} does not exist: give the path of a JSONL file with one "
            'task per line, such as {"id": "1", "task": "Summarize ..."}.'
        ) from None
    except UnicodeDecodeError as exc:
        raise BatchInputError(
            f"Tasks file {file_path} is not UTF-8 text ({exc.reason} at byte {exc.start}): "
            "save it as UTF-8 JSON Lines."
        ) from None
    except OSError as exc:
        raise BatchInputError(f"Cannot read tasks file {file_path}: {exc.strerror}.") from None
    tasks: list[BatchTask] = []
    errors: list[TaskLineError] = []
    first_line_of: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, strict=False)
        except json.JSONDecodeError as exc:
            errors.append(
                TaskLineError(number, f"not valid JSON ({exc.msg} at column {exc.colno}).")
            )
            continue
        except RecursionError:
            errors.append(TaskLineError(number, "nested too deeply to read: flatten it."))
            continue
        try:
            task = _task_from_data(data, default_id=f"line-{number}")
        except ValueError as exc:
            errors.append(TaskLineError(number, str(exc)))
            continue
        if task.id in first_line_of:
            errors.append(
                TaskLineError(
                    number,
                    f"duplicate id {task.id!r} (first on line {first_line_of[task.id]}): "
                    "give every task its own id.",
                )
            )
            continue
        first_line_of[task.id] = number
        tasks.append(task)
    return TaskFile(path=file_path, tasks=tasks, errors=errors)


def coerce_tasks(items: Iterable[BatchTask | str | Mapping[str, Any]]) -> list[BatchTask]:
    """Turn tasks given in Python into :class:`BatchTask` objects.

    Strings become tasks with id ``"task-N"`` (N is the 1-based position); mappings take
    the keys of a tasks file line.

    Args:
        items: Tasks, strings or mappings.

    Raises:
        BatchInputError: An item is not a valid task, or two tasks share an id.
    """
    tasks: list[BatchTask] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        try:
            if isinstance(item, BatchTask):
                task = item
            else:
                task = _task_from_data(item, default_id=f"task-{position}")
        except ValueError as exc:
            raise BatchInputError(f"Task {position} is not valid: {exc}") from None
        if task.id in seen:
            raise BatchInputError(
                f"Task {position} has the id {task.id!r} of an earlier task: give every task "
                "its own id, since results are matched and resumed by id."
            )
        seen.add(task.id)
        tasks.append(task)
    return tasks


def _task_from_data(data: object, *, default_id: str) -> BatchTask:
    if isinstance(data, str):
        return BatchTask(id=default_id, task=_check_text(data))
    if not isinstance(data, Mapping):
        raise ValueError(
            f"expected a JSON object with a 'task' key or a JSON string, got {_json_type(data)}."
        )
    mapping: Mapping[Any, Any] = data  # pyright: ignore[reportUnknownVariableType]
    unknown = sorted(str(key) for key in mapping if key not in _TASK_KEYS)
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(map(repr, unknown))}: a task has 'task', 'id' and "
            "'metadata'; put any other data under 'metadata'."
        )
    if "task" not in mapping:
        raise ValueError('missing \'task\': add the task text as "task": "...".')
    text = mapping["task"]
    if not isinstance(text, str):
        raise ValueError(f"'task' must be a string, got {_json_type(text)}.")
    task_id = mapping.get("id", default_id)
    if isinstance(task_id, bool) or not isinstance(task_id, str | int):
        raise ValueError(f"'id' must be a string or an integer, got {_json_type(task_id)}.")
    task_id = str(task_id)
    if not task_id.strip():
        raise ValueError("'id' is empty: give the task a non-empty id or leave 'id' out.")
    metadata: Any = mapping.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping):
        raise ValueError(f"'metadata' must be a JSON object, got {_json_type(metadata)}.")
    items: Mapping[Any, Any] = metadata  # pyright: ignore[reportUnknownVariableType]
    metadata_dict: dict[str, Any] = {str(key): value for key, value in items.items()}
    return BatchTask(id=task_id, task=_check_text(text), metadata=metadata_dict)


def _check_text(text: str) -> str:
    if not text.strip():
        raise ValueError("the task text is empty: give the agent something to do.")
    return text


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
