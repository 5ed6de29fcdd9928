"""The results file: one flushed JSON line per result, resumable after a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentparts.batch import BatchResult, read_results
from agentparts.batch._results import ResultsFile
from agentparts.errors import BatchResultsError


def _result(task_id: str, *, error: str | None = None) -> BatchResult:
    return BatchResult(
        id=task_id,
        final_message=None if error else f"answer {task_id}",
        prompt_tokens=3,
        completion_tokens=2,
        duration=0.25,
        error=error,
        metadata={"k": task_id},
    )


def test_each_result_is_on_disk_as_soon_as_it_is_written(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "results.jsonl"
    results = ResultsFile(out)
    results.open()
    try:
        results.write(_result("a"))
        # Read through another handle while the file is still open: it is flushed.
        record = json.loads(out.read_text(encoding="utf-8"))
        assert record == {
            "id": "a",
            "final_message": "answer a",
            "stop_reason": None,
            "usage": {"prompt_tokens": 3, "completion_tokens": 2},
            "duration": 0.25,
            "error": None,
            "metadata": {"k": "a"},
        }
        results.write(_result("b", error="Timed out after 1 s."))
    finally:
        results.close()
    assert read_results(out) == [_result("a"), _result("b", error="Timed out after 1 s.")]


def test_a_torn_last_line_is_ignored_then_cut_before_appending(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    good = json.dumps(_result("a").to_dict())
    out.write_text(good + "\n" + '{"id": "b", "final_mess', encoding="utf-8")
    assert [r.id for r in read_results(out)] == ["a"]
    results = ResultsFile(out)
    assert list(results.existing()) == ["a"]
    results.open()
    results.write(_result("c"))
    results.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "c"]


def test_a_complete_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text(json.dumps(_result("a").to_dict()), encoding="utf-8")
    results = ResultsFile(out)
    results.open()
    results.write(_result("b"))
    results.close()
    assert [r.id for r in read_results(out)] == ["a", "b"]


def test_the_last_record_of_an_id_wins(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    results = ResultsFile(out)
    results.open()
    results.write(_result("a", error="boom"))
    results.write(_result("b"))
    results.write(_result("a"))
    results.close()
    assert read_results(out) == [_result("b"), _result("a")]


def test_a_corrupt_line_inside_the_file_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text(
        json.dumps(_result("a").to_dict()) + "\nnot json\n" + json.dumps(_result("b").to_dict()),
        encoding="utf-8",
    )
    with pytest.raises(BatchResultsError, match=r"Line 2 of .*results.jsonl is not a batch result"):
        ResultsFile(out).existing()
    out.write_text('{"final_message": "no id"}\n{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(BatchResultsError, match=r"Line 1 .* no string 'id'"):
        read_results(out)


def test_writing_before_open_and_an_unwritable_path_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(BatchResultsError, match="call open"):
        ResultsFile(tmp_path / "r.jsonl").write(_result("a"))
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(BatchResultsError, match="Cannot write results file"):
        ResultsFile(blocker / "results.jsonl").open()
