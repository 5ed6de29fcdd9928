"""AutoGen 0.7.5's venv (built by scripts/bench), for tests that compare with AutoGen.

The tests that run a script under both frameworks write it once with the import roots
``CORE``, ``CHAT`` and ``EXT`` and run it with each framework's roots: what it prints must
be the same. In CI the venv does not exist and the AutoGen half is skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

AUTOGEN_PYTHON = Path(__file__).parents[1] / "benchmarks" / ".envs" / "autogen" / "bin" / "python"
AGENTPARTS_ROOTS = ("agentparts", "agentparts", "agentparts")
AUTOGEN_ROOTS = ("autogen_core", "autogen_agentchat", "autogen_ext")

needs_autogen = pytest.mark.skipif(
    not AUTOGEN_PYTHON.exists(), reason="AutoGen venv not built (scripts/bench)"
)


def run_with_roots(template: str, roots: tuple[str, str, str], tmp_path: Path) -> Any:
    """Run ``template`` with ``roots`` for CORE, CHAT and EXT; return its last line as JSON.

    The agentparts roots run under this interpreter, AutoGen's under its venv.
    """
    core, chat, ext = roots
    python = sys.executable if roots == AGENTPARTS_ROOTS else str(AUTOGEN_PYTHON)
    script = tmp_path / f"script_{core}.py"
    script.write_text(template.replace("CORE", core).replace("CHAT", chat).replace("EXT", ext))
    done = subprocess.run(
        [python, str(script)], capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
