from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from agentparts._construct import _plan, construct  # pyright: ignore[reportPrivateUsage]
from agentparts.messages import TextMessage


def test_construct_fills_default_factories_freshly_and_keeps_fields_set() -> None:
    first = construct(TextMessage, content="hi", source="user")
    second = construct(TextMessage, content="hi", source="user")
    assert (first.content, first.source, first.type) == ("hi", "user", "TextMessage")
    assert isinstance(first.created_at, datetime) and first.metadata == {}
    assert first.id != second.id
    assert first.metadata is not second.metadata
    assert first.model_fields_set == {"content", "source"}
    assert first.model_dump(exclude_unset=True) == {"content": "hi", "source": "user"}


def test_construct_keeps_given_values() -> None:
    message = construct(TextMessage, content="hi", source="a", id="m1", metadata={"k": "v"})
    assert (message.id, message.metadata) == ("m1", {"k": "v"})


def test_construct_refuses_factories_that_need_the_validated_data() -> None:
    class Derived(BaseModel):
        a: int
        b: int = Field(default_factory=lambda data: data["a"] + 1)

    with pytest.raises(TypeError, match="validated data"):
        construct(Derived, a=1)


class _Defaults(BaseModel):
    name: str
    tags: list[str] = ["a"]
    empty: tuple[int, ...] = ()
    limit: int = 3
    label: str | None = None


def test_construct_matches_model_construct_field_for_field() -> None:
    made = construct(_Defaults, limit=5, name="n")
    expected = _Defaults.model_construct(name="n", limit=5)
    assert made == expected
    assert list(made.__dict__) == list(expected.__dict__)  # declaration order, as dumped
    assert made.model_fields_set == {"name", "limit"}
    assert made.model_dump() == {"name": "n", "tags": ["a"], "empty": (), "limit": 5, "label": None}


def test_construct_copies_mutable_defaults_per_instance() -> None:
    first = construct(_Defaults, name="a")
    first.tags.append("changed")
    assert construct(_Defaults, name="b").tags == ["a"]


def test_construct_refuses_unknown_field_names() -> None:
    with pytest.raises(TypeError, match="_Defaults has no field named colour"):
        construct(_Defaults, name="n", colour="red")


def test_construct_without_a_required_field_leaves_it_unset_like_model_construct() -> None:
    made = construct(_Defaults, limit=1)
    assert "name" not in made.__dict__
    assert made.model_fields_set == {"limit"}


class _Aliased(BaseModel):
    value: int = Field(alias="v")


class _WithPrivate(BaseModel):
    value: int
    _seen: list[int] = PrivateAttr(default_factory=list[int])


class _Extra(BaseModel):
    model_config = ConfigDict(extra="allow")
    value: int


def test_construct_hands_classes_the_shortcut_does_not_fit_to_model_construct() -> None:
    assert [_plan(c) for c in (_Aliased, _WithPrivate, _Extra)] == [None, None, None]
    assert _plan(_Defaults) is not None
    assert construct(_Aliased, v=2).value == 2
    private = construct(_WithPrivate, value=1)
    assert private.value == 1 and private._seen == []  # pyright: ignore[reportPrivateUsage]
    extra = construct(_Extra, value=1, other="x")
    assert extra.model_extra == {"other": "x"}


def _slot_names(cls: type) -> list[str]:
    names: list[str] = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return sorted(set(names) - {"__weakref__"})


def test_construct_sets_every_slot_model_construct_sets() -> None:
    """construct() fills Pydantic's instance slots itself: a slot a newer Pydantic adds and
    construct() leaves unset would break copies, pickling or equality of its instances."""
    missing = object()
    made = construct(_Defaults, name="n")
    expected = _Defaults.model_construct(name="n")
    for name in _slot_names(_Defaults):
        assert getattr(made, name, missing) == getattr(expected, name, missing), name
    copied = made.model_copy(update={"limit": 9})
    assert (copied.name, copied.limit, copied.tags) == ("n", 9, ["a"])
    assert pickle.loads(pickle.dumps(made)) == expected
    assert repr(made) == repr(expected)


# --- the Pydantic range in pyproject.toml, at both ends --------------------------------------

_ROOT = Path(__file__).resolve().parents[2]
_NETWORK_TROUBLE = re.compile(
    r"error sending request|failed to fetch|dns error|connection (refused|reset)|timed out"
    r"|network is unreachable|could not connect",
    re.IGNORECASE,
)


def _core_requirements() -> tuple[str, list[str]]:
    """pyproject's Pydantic requirement, and the other core dependencies."""
    project = tomllib.loads((_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies: list[str] = project["dependencies"]
    pydantic = [d for d in dependencies if re.match(r"pydantic\W", d)]
    assert len(pydantic) == 1, dependencies
    return pydantic[0], [d for d in dependencies if d not in pydantic]


def _release(version: str) -> tuple[int, ...]:
    numbers = [int(part) for part in version.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _uv(*args: str) -> subprocess.CompletedProcess[str]:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        pytest.fail("uv is not installed: scripts/install installs it.")
    return subprocess.run(
        [uv, *args], capture_output=True, text=True, timeout=600, cwd=_ROOT, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("end", ["lowest", "highest"])
def test_construct_on_the_lowest_and_highest_pydantic_allowed(end: str, tmp_path: Path) -> None:
    """This file's tests in a fresh venv with the lowest, then the highest Pydantic that
    pyproject.toml allows (core dependencies only, agentparts from src/)."""
    requirement, others = _core_requirements()
    match = re.fullmatch(r"pydantic>=([\d.]+),<([\d.]+)", requirement)
    assert match, f"expected 'pydantic>=LOW,<HIGH' in pyproject.toml, got {requirement!r}"
    wanted = f"pydantic=={match.group(1)}" if end == "lowest" else requirement
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    base = getattr(sys, "_base_executable", sys.executable)
    made = _uv("venv", "-q", "--python", base, str(venv))
    assert made.returncode == 0, made.stderr
    tools = ["pytest>=8", "pytest-asyncio>=0.24", "pytest-timeout>=2.3"]
    installed = _uv("pip", "install", "-q", "--python", str(python), wanted, *others, *tools)
    if installed.returncode != 0 and _NETWORK_TROUBLE.search(installed.stderr):
        pytest.skip(f"the package registry is unreachable: {installed.stderr.strip()[-300:]}")
    assert installed.returncode == 0, installed.stderr
    version = subprocess.run(
        [str(python), "-c", "import pydantic; print(pydantic.VERSION)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if end == "lowest":
        assert _release(version) == _release(match.group(1)), version
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            __file__,
            "-q",
            "-x",
            "-m",
            "not slow",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=_ROOT,
        env={**os.environ, "PYTHONPATH": str(_ROOT / "src")},
        check=False,
    )
    assert done.returncode == 0, f"pydantic {version}:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
    assert re.search(r"\b\d+ passed\b", done.stdout) and " failed" not in done.stdout, done.stdout
