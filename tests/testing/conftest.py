"""Helpers for the conformance-suite tests: functions to wrap as tools, a pytest runner."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from agentparts import CancellationToken


def add(a: int, b: int = 0) -> int:
    """Add two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


async def lookup(city: str, cancellation_token: CancellationToken, units: str = "metric") -> str:
    """Look up the weather of a city.

    Args:
        city: The city.
        cancellation_token: Given by the tool, hidden from the schema.
        units: metric or imperial.
    """
    return f"Sunny in {city} ({units})"


def run_pytest(tmp_path: Path, source: str) -> dict[str, str]:
    """Run ``source`` as a test module in a child pytest; map each test name to its outcome."""
    module = tmp_path / "test_subject.py"
    module.write_text(textwrap.dedent(source), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-rA", "-q", "-p", "no:cacheprovider", str(module)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes: dict[str, str] = {}
    for line in done.stdout.splitlines():
        for outcome in ("PASSED", "FAILED", "SKIPPED", "ERROR"):
            if line.startswith(outcome + " "):
                test_id = line.split(" ", 1)[1].split(" - ")[0]
                outcomes[test_id.rsplit("::", 1)[-1]] = outcome
    assert outcomes, done.stdout + done.stderr
    return outcomes
