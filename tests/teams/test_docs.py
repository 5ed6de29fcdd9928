"""Every example of docs/teams.md runs and prints what its comments promise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "teams.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_page_has_an_example_per_team_type() -> None:
    text = "\n".join(EXAMPLES)
    for name in (
        "RoundRobinGroupChat",
        "SelectorGroupChat",
        "Swarm",
        "DiGraphBuilder",
        "GraphFlow",
        "MagenticOneGroupChat",
        "SocietyOfMindAgent",
        "TeamTool",
    ):
        assert f"{name}(" in text, name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: re.findall(r"teams import (\w+)", e)[0])
def test_example_runs_as_documented(example: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(example)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    for promise in re.findall(r"print\(.*\)  # (.*)\n", example):
        if promise.startswith("a "):
            continue
        assert promise in printed, (promise, printed)
