"""Reading tasks: a JSONL file with a line-numbered error per bad line, or Python objects."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentparts.batch import BatchTask, read_tasks
from agentparts.batch._tasks import coerce_tasks
from agentparts.errors import BatchInputError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tasks.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_objects_strings_ids_and_metadata(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '{"id": "a", "task": "Say hi", "metadata": {"split": "dev", "n": 1}}\n'
        "\n"
        '"Count to three"\n'
        '{"id": 7, "task": "Name a colour"}\n'
        '{"task": "No id here", "metadata": null}\n',
    )
    task_file = read_tasks(path)
    assert task_file.errors == []
    assert task_file.tasks == [
        BatchTask("a", "Say hi", {"split": "dev", "n": 1}),
        BatchTask("line-3", "Count to three"),
        BatchTask("7", "Name a colour"),
        BatchTask("line-5", "No id here"),
    ]


def test_every_bad_line_is_reported_with_its_number_and_the_rest_is_kept(
    tmp_path: Path,
) -> None:
    lines = [
        '{"id": "ok-1", "task": "fine"}',  # 1
        '{"id": "x", "task": "unterminated}',  # 2: bad JSON
        '{"id": "y"}',  # 3: no task
        '{"id": "z", "task": 42}',  # 4: task not text
        '{"id": true, "task": "t"}',  # 5: bad id type
        '{"id": "ok-1", "task": "again"}',  # 6: duplicate id
        '{"task": "t", "expected": "4"}',  # 7: unknown key
        '{"task": "t", "metadata": [1]}',  # 8: metadata not an object
        "[1, 2]",  # 9: not an object
        '{"task": "   "}',  # 10: empty task
        '{"id": "", "task": "t"}',  # 11: empty id
        '{"id": "ok-2", "task": "also fine"}',  # 12
    ]
    task_file = read_tasks(_write(tmp_path, "\n".join(lines) + "\n"))
    assert [t.id for t in task_file.tasks] == ["ok-1", "ok-2"]
    by_line = {e.line: e.message for e in task_file.errors}
    assert sorted(by_line) == list(range(2, 12))
    assert "not valid JSON" in by_line[2]
    assert "missing 'task'" in by_line[3]
    assert "'task' must be a string" in by_line[4]
    assert "'id' must be a string or an integer" in by_line[5]
    assert "duplicate id 'ok-1' (first on line 1)" in by_line[6]
    assert "'expected'" in by_line[7] and "under 'metadata'" in by_line[7]
    assert "'metadata' must be a JSON object" in by_line[8]
    assert "got an array" in by_line[9]
    assert "empty" in by_line[10]
    assert "'id' is empty" in by_line[11]
    assert str(task_file.errors[0]).startswith("line 2: ")


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="does not exist"):
        read_tasks(tmp_path / "nope.jsonl")
    binary = tmp_path / "tasks.jsonl"
    binary.write_bytes(b'{"task": "\xff\xfe"}\n')
    with pytest.raises(BatchInputError, match="not UTF-8"):
        read_tasks(binary)


def test_python_tasks_get_positional_ids_and_duplicates_are_refused() -> None:
    tasks = coerce_tasks(["first", {"task": "second", "id": "b"}, BatchTask("c", "third")])
    assert [t.id for t in tasks] == ["task-1", "b", "c"]
    with pytest.raises(BatchInputError, match="Task 2 has the id 'b' of an earlier task"):
        coerce_tasks([{"id": "b", "task": "x"}, {"id": "b", "task": "y"}])
    with pytest.raises(BatchInputError, match="Task 1 is not valid: missing 'task'"):
        coerce_tasks([{"id": "x"}])
