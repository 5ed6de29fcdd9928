"""Helpers: install small real packages with entry points into a private folder.

Packages are installed with ``uv pip install --target`` into a temporary folder and used by
a child Python whose ``PYTHONPATH`` holds that folder, so the shared virtual environment
is never changed and each check sees a fresh entry-point table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

TINYEXT_CODE = '''
from pydantic import BaseModel

from agentparts import Component, ComponentBase


class GreeterConfig(BaseModel):
    greeting: str


class Greeter(ComponentBase[GreeterConfig], Component[GreeterConfig]):
    """Says a greeting."""

    component_type = "greeter"
    component_config_schema = GreeterConfig

    def __init__(self, greeting: str) -> None:
        self.greeting = greeting

    def _to_config(self) -> GreeterConfig:
        return GreeterConfig(greeting=self.greeting)

    @classmethod
    def _from_config(cls, config: GreeterConfig) -> "Greeter":
        return cls(config.greeting)
'''

TINYEXT_PYPROJECT = """
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "tinyext"
version = "0.1.0"

[project.entry-points."agentparts.components"]
tiny_greeter = "tinyext:Greeter"
fancy_greeter = "tinyext:Greeter [fancy]"
missing_module = "tinyext.missing:Nope"
crashing_module = "tinyext.crashes:Thing"
"""


def uv_or_skip() -> str:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    return uv


def write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture(scope="session")
def tinyext_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed ``tinyext`` package and its entry points."""
    uv = uv_or_skip()
    root = tmp_path_factory.mktemp("tinyext")
    source = root / "src-tree"
    write_tree(
        source,
        {
            "pyproject.toml": TINYEXT_PYPROJECT,
            "src/tinyext/__init__.py": TINYEXT_CODE,
            "src/tinyext/crashes.py": 'raise RuntimeError("tinyext.crashes is broken on purpose")\n',
        },
    )
    site = root / "site"
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    return site


@pytest.fixture(scope="session")
def clashing_site(tmp_path_factory: pytest.TempPathFactory, tinyext_site: Path) -> Path:
    """``tinyext`` plus ``otherext``, which registers the short name ``tiny_greeter`` too."""
    uv = uv_or_skip()
    root = tmp_path_factory.mktemp("otherext")
    source = root / "src-tree"
    write_tree(
        source,
        {
            "pyproject.toml": TINYEXT_PYPROJECT.replace("tinyext", "otherext"),
            "src/otherext/__init__.py": TINYEXT_CODE,
            "src/otherext/crashes.py": "",
        },
    )
    site = root / "site"
    shutil.copytree(tinyext_site, site)
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    return site


def run_python(code: str, site: Path | None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child Python that sees the packages installed in ``site``."""
    child_env = {k: v for k, v in os.environ.items() if k != "AGENTPARTS_ALLOWED_PROVIDERS"}
    if site is not None:
        child_env["PYTHONPATH"] = str(site)
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=child_env,
        timeout=60,
    )


def run_json(code: str, site: Path | None, **env: str) -> Any:
    """Run ``code`` (which prints one JSON document last) and return that document."""
    done = run_python(code, site, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cli(args: list[str], site: Path | None) -> subprocess.CompletedProcess[str]:
    """Run the ``agentparts`` command line in a child process that sees ``site``."""
    child_env = dict(os.environ)
    if site is not None:
        child_env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "agentparts.cli", *args],
        capture_output=True,
        text=True,
        env=child_env,
        timeout=60,
    )
