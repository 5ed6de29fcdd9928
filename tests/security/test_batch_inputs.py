"""Issue 18: hostile or careless batch inputs never abort a batch or corrupt its files.

A lone surrogate (in a task's metadata or in a model's answer) used to abort the whole
batch and every resume; characters that ``str.splitlines`` counts as line breaks shifted
line numbers and ids; ``--out`` could name the tasks file; ``--timeout nan`` was taken.
The agent talks to the real local OpenAI-compatible test server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentparts.batch import read_results, read_tasks, run_batch
from agentparts.cli import main
from agentparts.errors import BatchInputError
from agentparts.testing import OpenAITestServer, RecordedRequest, ScriptedReply

from ..batch.conftest import agent_config, invoke_cli

SURROGATE = "\ud800"


def _reply(request: RecordedRequest) -> ScriptedReply:
    text = str(request.messages[-1].get("content"))
    if text.startswith("garble"):  # a model whose answer holds a lone surrogate
        return ScriptedReply(f"half a character: {SURROGATE} and more", prompt_tokens=1)
    return ScriptedReply(f"answer to: {text}", prompt_tokens=1)


@pytest.fixture
def config() -> Iterator[dict[str, Any]]:
    with OpenAITestServer(default_reply=_reply) as server:
        yield agent_config(server.base_url)


@pytest.fixture
def config_file(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "agent.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
    return path


def assert_valid_results_file(path: Path) -> list[dict[str, Any]]:
    """Every line is UTF-8 JSON (no torn or unreadable line)."""
    text = path.read_bytes().decode("utf-8")  # strict: raises on anything not UTF-8
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_lone_surrogates_in_metadata_and_answers_are_written_and_resumed(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    tasks = write_lines(
        tmp_path / "tasks.jsonl",
        [
            json.dumps({"id": "first", "task": "hello"}),
            json.dumps({"id": "meta", "task": "hi", "metadata": {"note": f"bad {SURROGATE}"}}),
            json.dumps({"id": "answer", "task": "garble please"}),
            json.dumps({"id": f"id-{SURROGATE}", "task": "odd id"}),
            json.dumps({"id": "last", "task": "bye"}),
        ],
    )
    out = tmp_path / "results.jsonl"
    report = run_batch(config, tasks, out=out, concurrency=2)
    assert report.failed == 0, [r.error for r in report.results]
    assert report.succeeded == 5
    records = assert_valid_results_file(out)
    assert sorted(r["id"] for r in records) == sorted(
        ["first", "meta", "answer", f"id-{SURROGATE}", "last"]
    )
    # The values read back exactly as they were.
    by_id = {r.id: r for r in read_results(out)}
    assert by_id["meta"].metadata == {"note": f"bad {SURROGATE}"}
    assert by_id["answer"].final_message == f"half a character: {SURROGATE} and more"
    assert by_id["first"].final_message == "answer to: hello"
    # Resuming finds every task done and runs nothing again.
    again = run_batch(config, tasks, out=out)
    assert (again.skipped, len(again.results)) == (5, 0)
    assert len(assert_valid_results_file(out)) == 5


def test_the_cli_summary_prints_a_surrogate_id_that_failed(
    tmp_path: Path, config_file: Path
) -> None:
    tasks = write_lines(
        tmp_path / "tasks.jsonl",
        [json.dumps({"id": f"x{SURROGATE}", "task": "hello"}), json.dumps({"task": "hi"})],
    )
    out = tmp_path / "results.jsonl"
    code, stdout, _ = invoke_cli(["batch", str(config_file), str(tasks), "--out", str(out)])
    assert code == 0, stdout
    assert "done" in stdout
    assert len(assert_valid_results_file(out)) == 2


def test_metadata_that_is_not_json_still_gives_a_result(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    looped: dict[str, Any] = {"name": "loop"}
    looped["self"] = looped
    out = tmp_path / "results.jsonl"
    report = run_batch(
        config,
        [{"id": "loop", "task": "hello", "metadata": looped}, {"id": "fine", "task": "hi"}],
        out=out,
    )
    assert report.succeeded == 2
    records = {r["id"]: r for r in assert_valid_results_file(out)}
    assert "Circular reference" in records["loop"]["metadata"]["unwritable_metadata"]
    assert records["fine"]["final_message"] == "answer to: hi"


# Characters that str.splitlines() takes for line breaks, though JSON allows them in text.
BREAKERS = ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1d", "\x1e", "\r"]


def test_task_lines_end_at_newline_only_and_ids_never_shift(tmp_path: Path) -> None:
    # Raw characters (json.dumps would escape the control characters).
    lines = [f'{{"id": "k{i}", "task": "a{ch}b"}}' for i, ch in enumerate(BREAKERS)]
    lines.append('"no id here"')  # gets its line number as id
    tasks = write_lines(tmp_path / "tasks.jsonl", lines)
    read = read_tasks(tasks)
    assert read.errors == []
    assert [t.id for t in read.tasks] == [*(f"k{i}" for i in range(len(BREAKERS))), "line-10"]
    assert [t.task for t in read.tasks[:-1]] == [f"a{ch}b" for ch in BREAKERS]


def test_a_line_break_character_in_one_line_does_not_shift_the_next_ids(
    tmp_path: Path, config_file: Path
) -> None:
    tasks = write_lines(
        tmp_path / "tasks.jsonl",
        [
            '"first\u2028half"',  # a bare task with a raw U+2028: id line-1
            '"form\x0cfeed"',  # a raw form feed: id line-2
            '"third"',  # id line-3
        ],
    )
    out = tmp_path / "results.jsonl"
    code, stdout, stderr = invoke_cli(["batch", str(config_file), str(tasks), "--out", str(out)])
    assert code == 0, stdout + stderr
    records = {r["id"]: r for r in assert_valid_results_file(out)}
    assert set(records) == {"line-1", "line-2", "line-3"}
    assert records["line-3"]["final_message"] == "answer to: third"
    assert records["line-2"]["final_message"] == "answer to: form\x0cfeed"


def _same_file_outs(tasks: Path) -> Iterator[tuple[str, Path]]:
    yield "same path", tasks
    yield "relative spelling", tasks.parent / "." / tasks.name
    link = tasks.parent / "link.jsonl"
    link.symlink_to(tasks)
    yield "symlink", link
    hard = tasks.parent / "hard.jsonl"
    os.link(tasks, hard)
    yield "hard link", hard


def test_out_that_is_the_tasks_file_is_refused(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The last line has no newline: reading it as a results file would cut it off.
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": "a", "task": "hello"}\n"a bare task"', encoding="utf-8")
    original = tasks.read_bytes()
    for how, out in _same_file_outs(tasks):
        code = main(["batch", str(config_file), str(tasks), "--out", str(out)])
        assert code == 1, how
        assert "is the tasks file" in capsys.readouterr().err, how
        assert tasks.read_bytes() == original, how
        with pytest.raises(BatchInputError, match="is the tasks file"):
            run_batch(str(config_file), tasks, out=out)
        assert tasks.read_bytes() == original, how


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "1e400"])
def test_timeout_must_be_finite_and_positive(
    tmp_path: Path, config_file: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = write_lines(tmp_path / "tasks.jsonl", [json.dumps("hello")])
    out = tmp_path / "results.jsonl"
    with pytest.raises(SystemExit) as exited:
        invoke_cli(["batch", str(config_file), str(tasks), "--out", str(out), f"--timeout={value}"])
    assert exited.value.code == 2
    assert "finite positive number of seconds" in capsys.readouterr().err
    with pytest.raises(BatchInputError, match="finite positive number of seconds"):
        run_batch(str(config_file), tasks, out=out, timeout=float(value))
    assert not out.exists()
