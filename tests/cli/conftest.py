"""Helpers for CLI tests: run ``agentparts`` in a subprocess, next to a real local server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agentparts.testing import OpenAITestServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def cli_env(server: OpenAITestServer | None = None, **extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: the venv first on PATH, no stray OPENAI_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    if server is not None:
        env["OPENAI_BASE_URL"] = server.base_url
        env["OPENAI_API_KEY"] = "test-key"
    env.update(extra)
    return env


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 110,
) -> CliResult:
    """Run ``agentparts ARGS`` (as ``python -m agentparts.cli``) from the repository root."""
    proc = subprocess.run(
        [sys.executable, "-m", "agentparts.cli", *args],
        cwd=REPO,
        env=env if env is not None else cli_env(),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def server() -> Iterator[OpenAITestServer]:
    with OpenAITestServer() as running:
        yield running
