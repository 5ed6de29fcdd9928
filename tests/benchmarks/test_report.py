"""The benchmark runner's statistics, verdicts and table (pure logic, no timing)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from report import (
    MicroRow,
    Row,
    Target,
    markdown_table,
    micro_lines,
    not_measured_notes,
    percentile,
    summarize,
)

from .conftest import BENCHMARKS


def result(impl: str, samples: list[float], status: str = "ok", **extra: object) -> dict:
    base = {"scenario": "s", "impl": impl, "status": status, **extra}
    if status == "ok":
        base["metrics"] = {"m": {"unit": "ms", "samples": samples}}
    return base


def test_percentile_interpolates_between_ranks():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(i) for i in range(1, 11)], 90) == pytest.approx(9.1)
    assert percentile([5.0], 90) == 5.0


def test_summarize_pools_samples_of_every_round():
    table = summarize(
        [result("raw", [1.0, 3.0]), result("raw", [2.0]), result("agentparts", [4.0])]
    )
    stats = table["s"]["raw"]["stats"]["m"]
    assert (stats["median"], stats["n"], stats["unit"]) == (2.0, 3, "ms")
    assert table["s"]["agentparts"]["stats"]["m"]["median"] == 4.0


def test_ratio_target_pass_and_miss_and_not_measured():
    row = Row("s", "m", "thing", Target("ratio", 1.3, "issue 3"))
    passing = summarize([result("raw", [10.0]), result("agentparts", [12.0])])
    text, missed = markdown_table(passing, [row])
    assert "| 1.20x |" in text and text.rstrip().endswith("| pass |") and missed == []

    failing = summarize([result("raw", [10.0]), result("agentparts", [14.0])])
    text, missed = markdown_table(failing, [row])
    assert "**MISSED**" in text and missed == ["thing"]

    absent = summarize(
        [result("raw", [10.0]), result("agentparts", [], "not_measured", reason="no API yet")]
    )
    text, missed = markdown_table(absent, [row])
    assert "| not measured |" in text and missed == []
    assert not_measured_notes(absent) == ["- `s` / agentparts: not measured: no API yet"]


def test_absolute_target_and_ratio_columns():
    row = Row("s", "m", "round trip", Target("below", 1.0, "issue 2"))
    table = summarize([result("raw", [0.5]), result("agentparts", [0.8]), result("autogen", [1.6])])
    text, missed = markdown_table(table, [row])
    line = text.splitlines()[-1]
    assert "| 1.60x | 3.20x | 0.50x |" in line
    assert "agentparts < 1 ms (issue 2)" in line and line.endswith("| pass |")
    assert missed == []


def test_scenario_script_prints_one_json_result():
    """A real scenario process in quick mode (the raw baseline of run_json: about a second)."""
    script = BENCHMARKS / "scenarios" / "tool_run_json.py"
    done = subprocess.run(
        [sys.executable, str(script), "--impl", "raw", "--quick"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert data["status"] == "ok" and data["impl"] == "raw"
    samples = data["metrics"]["run_json"]["samples"]
    assert data["metrics"]["run_json"]["unit"] == "us" and len(samples) == 500


def test_missing_api_is_reported_not_faked():
    """AutoGen has no search tool: the scenario says so instead of inventing a number."""
    script = BENCHMARKS / "scenarios" / "search.py"
    done = subprocess.run(
        [sys.executable, str(script), "--impl", "autogen", "--quick"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert data["status"] == "not_measured" and "metrics" not in data
    assert "AutoGen" in data["reason"]


def test_micro_lines_divide_ours_by_the_library_and_say_what_is_missing():
    table = summarize(
        [
            {
                "scenario": "micro_x",
                "impl": "agentparts",
                "status": "ok",
                "metrics": {
                    "ours": {"unit": "us", "samples": [2.0, 3.0, 4.0]},
                    "lib": {"unit": "us", "samples": [6.0]},
                },
            }
        ]
    )
    rows = [
        MicroRow("micro_x", "ours", "lib", "ours vs lib"),
        MicroRow("micro_x", "ours", "other_lib", "ours vs other"),
        MicroRow("micro_y", "a", "b", "never run"),
    ]
    assert micro_lines(table, rows) == [
        "- ours vs lib: 3.0 µs vs 6.0 µs, **0.50x**",
        "- ours vs other: not measured (no `other_lib` variant in this run)",
        "- never run: not run",
    ]


def test_every_micro_row_names_metrics_its_scenario_reports():
    """Each micro row's two metrics are variants micro.py really measures (one quick run)."""
    from run import MICRO_ROWS, SCENARIO_LIST

    keys = {s.key for s in SCENARIO_LIST}
    assert {row.scenario for row in MICRO_ROWS} <= keys
    script = BENCHMARKS / "scenarios" / "micro.py"
    done = subprocess.run(
        [sys.executable, str(script), "--impl", "agentparts", "--quick", "--what", "ids"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert data["status"] == "ok", data
    table = summarize([data])
    [line] = micro_lines(table, [r for r in MICRO_ROWS if r.scenario == "micro_ids"])
    assert re.fullmatch(
        r"- `new_uuid4\(\)` vs `str\(uuid.uuid4\(\)\)`: .* µs vs .* µs, \*\*\d\.\d\dx\*\*", line
    ), line
