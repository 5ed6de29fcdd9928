"""``agentparts new extension NAME``: names, refusals, and a package that works at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from agentparts.cli._new_extension import write_extension
from agentparts.cli._util import CommandError

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDERS = ("__Class__", "__dist__", "__short__", "__agentparts_version__", "__package__")


def _generate(parent: Path, name: str) -> tuple[int, str, str]:
    """Run the real command line in a child process."""
    done = subprocess.run(
        [sys.executable, "-m", "agentparts.cli", "new", "extension", name, "--dir", str(parent)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def test_generates_the_guide_layout_with_entry_points(tmp_path: Path) -> None:
    code, out, _ = _generate(tmp_path, "Weather.Ext")
    assert code == 0
    root = tmp_path / "weather-ext"
    assert f"Created {root}" in out
    assert "weather_ext_model, weather_ext_executor, weather_ext_tool" in out
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src/weather_ext/__init__.py",
        "src/weather_ext/code_executors/__init__.py",
        "src/weather_ext/code_executors/_executor.py",
        "src/weather_ext/models/__init__.py",
        "src/weather_ext/models/_client.py",
        "src/weather_ext/py.typed",
        "src/weather_ext/tools/__init__.py",
        "src/weather_ext/tools/_tool.py",
        "tests/test_code_executors.py",
        "tests/test_entry_points.py",
        "tests/test_models.py",
        "tests/test_tools.py",
    ]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "weather-ext"
    assert project["dependencies"] == ["agentparts>=0.1.0"]
    assert "agentparts[testing]>=0.1.0" in project["optional-dependencies"]["dev"]
    assert project["entry-points"]["agentparts.components"] == {
        "weather_ext_model": "weather_ext.models:WeatherExtChatCompletionClient",
        "weather_ext_executor": "weather_ext.code_executors:WeatherExtCodeExecutor",
        "weather_ext_tool": "weather_ext.tools:WeatherExtTool",
    }
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            left = [p for p in PLACEHOLDERS if p in text or p in str(path)]
            assert not left, f"{path} still holds {left}"
            if path.suffix == ".py":
                compile(text, str(path), "exec")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("1ext", "not a valid package name"),
        ("my ext", "not a valid package name"),
        ("ext-", "not a valid package name"),
        ("../escape", "not a valid package name"),
        ("class", "Python cannot import"),
        ("json", "shadow a standard library module"),
        ("agentparts", "shadow an existing package"),
    ],
)
def test_refuses_names_that_cannot_be_packages(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(CommandError, match=reason) as caught:
        write_extension(name, tmp_path)
    assert caught.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_invalid_name_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = _generate(tmp_path, "1ext")
    assert code == 2
    assert err.startswith("Error: '1ext' is not a valid package name")
    assert "Traceback" not in err


def test_refuses_a_folder_that_exists_and_writes_nothing(tmp_path: Path) -> None:
    existing = tmp_path / "my-ext"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = _generate(tmp_path, "my_ext")
    assert code == 1
    assert f"{existing} already exists: nothing was written" in err
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]


def test_dir_is_created_when_missing(tmp_path: Path) -> None:
    root, written = write_extension("deep-ext", tmp_path / "deep" / "er")
    assert root == tmp_path / "deep" / "er" / "deep-ext"
    assert Path("src/deep_ext/tools/_tool.py") in written
    assert (
        tmp_path / "deep" / "er" / "deep-ext" / "src" / "deep_ext" / "tools" / "_tool.py"
    ).is_file()


@pytest.mark.slow
def test_generated_package_installs_and_passes_its_own_tests(tmp_path: Path) -> None:
    """The user's journey in a fresh environment: install agentparts (built as a wheel),
    generate with its command, install the package, run its tests, list its components."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}

    def run(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

    made = run(uv, "venv", "--quiet", "-p", "python3.11", str(venv))
    assert made.returncode == 0, made.stderr
    python = str(venv / "bin" / "python")
    base = run(
        uv, "pip", "install", "--quiet", "-p", python, f"agentparts[testing] @ {REPO.as_uri()}"
    )
    assert base.returncode == 0, base.stderr
    generated = run(str(venv / "bin" / "agentparts"), "new", "extension", "fresh-ext")
    assert generated.returncode == 0, generated.stderr
    package = tmp_path / "fresh-ext"
    assert (package / ".gitignore").is_file()
    installed = run(
        uv, "pip", "install", "--quiet", "-p", python,
        "-e", f"{package}[dev]", f"agentparts @ {REPO.as_uri()}",
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    tested = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert (
        " passed" in tested.stdout
        and "failed" not in tested.stdout
        and "skipped" not in tested.stdout
    )
    listed = run(str(venv / "bin" / "agentparts"), "components", "list", "--type", "tool")
    assert listed.returncode == 0, listed.stderr
    assert "fresh_ext_tool" in listed.stdout
