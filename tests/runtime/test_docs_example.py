"""The worked example of docs/runtime.md runs and prints what the page says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "runtime.md"


def test_worked_example_runs_as_documented(tmp_path: Path) -> None:
    text = DOC.read_text()
    example = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    script = tmp_path / "example.py"
    script.write_text(example)
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    # The page states each printed line in a comment next to its print().
    promised = re.findall(r"print\(verdict\)  # (.*)\n", example) + re.findall(
        r"print\(log.lines\)\n    # (.*)\n", example
    )
    assert out == promised
