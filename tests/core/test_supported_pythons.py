"""The Pythons the package claims are the Pythons CI tests (docs/installation.md)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_requires_python_claims_exactly_the_python_this_suite_runs_on() -> None:
    """CI runs this suite on one interpreter (the .venv scripts/install makes): a claim that
    reaches further, or a CI moved to another version, fails here until both agree."""
    major, minor = sys.version_info[:2]
    project = _project()
    assert project["requires-python"] == f">={major}.{minor},<{major}.{minor + 1}"
    versions = [c for c in project["classifiers"] if c.count("::") == 2 and "3." in c]  # type: ignore[union-attr]
    assert versions == [f"Programming Language :: Python :: {major}.{minor}"]


def test_the_install_guide_names_the_claimed_python() -> None:
    major, minor = sys.version_info[:2]
    guide = (ROOT / "docs" / "installation.md").read_text(encoding="utf-8")
    assert f"Python {major}.{minor} only" in guide
