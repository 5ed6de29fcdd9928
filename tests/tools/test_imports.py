"""Importing the tools modules stays light: no MCP SDK, no HTTP client until a server starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("mcp", "httpx", "httpx2", "anyio", "uvicorn", "starlette", "PIL", "numpy")


@pytest.mark.parametrize(
    "module_name", ["agentparts.tools", "agentparts.tools.mcp", "agentparts.tools.search"]
)
def test_import_is_light(module_name: str) -> None:
    script = (
        f"import sys, {module_name}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"import {module_name} pulled in {out.stdout.strip()}"
