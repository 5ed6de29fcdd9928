"""Configs are bounded input, and loading lets only load errors out (issue 18, "Bounded
input" and "No side-effect modules").

A YAML alias bomb, a huge file, deep nesting (as a dict, JSON and YAML), shared-value bombs,
cycles, non-UTF-8 bytes and components whose ``_from_config`` raises ``ToolError`` or
``SystemExit`` each end in a ``ComponentLoadError`` that says what to do, in milliseconds.
The bombs run in a child process with a memory cap, so that a loader that expands them
fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import Component, ComponentBase, ComponentLoader, ComponentModel
from agentparts.errors import ComponentConfigError, ComponentLoadError, ConfigLimitError, ToolError

SINK = "tests.security.LimitSink"


class SinkConfig(BaseModel):
    payload: Any = None
    fail_with: str | None = None


class LimitSink(ComponentBase[SinkConfig], Component[SinkConfig]):
    """Takes any payload; raises from ``_from_config`` what ``fail_with`` names."""

    component_type = "sink"
    component_config_schema = SinkConfig
    component_provider_override = SINK

    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def _to_config(self) -> SinkConfig:
        return SinkConfig(payload=self.payload)

    @classmethod
    def _from_config(cls, config: SinkConfig) -> LimitSink:
        failures: dict[str, BaseException] = {
            "tool_error": ToolError("the tool cannot start"),
            "system_exit": SystemExit(2),
            "keyboard_interrupt": KeyboardInterrupt(),
            "recursion": RecursionError("maximum recursion depth exceeded"),
            "value_error": ValueError("bad value"),
        }
        if config.fail_with is not None:
            raise failures[config.fail_with]
        return cls(config.payload)


def _sink(payload: Any = None, **extra: Any) -> dict[str, Any]:
    return {"provider": SINK, "config": {"payload": payload, **extra}}


def _nested(depth: int) -> Any:
    """A payload of ``depth`` nested lists, built without recursion."""
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


# --- the bombs, in a child process with a memory cap -------------------------------------

# 9 levels of 9 aliases: under 600 bytes that expand to 9**9 (387 million) strings.
ALIAS_BOMB = (
    f"provider: {SINK}\nconfig:\n  payload:\n"
    + '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"    {name}: &{name} [{','.join(f'*{prev}' for _ in range(9))}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
)

BOMBS = ("yaml_file", "yaml_as_dict", "shared_dict")

_CHILD = textwrap.dedent(
    """
    import json, sys, time
    import tests.security.test_config_limits as t
    from agentparts import ComponentLoader
    outcomes = {}
    for kind in t.BOMBS:
        source = t.bomb(kind, sys.argv[1])
        start = time.perf_counter()
        try:
            ComponentLoader.load_component(source)
            outcome = {"error": None}
        except BaseException as exc:
            outcome = {"error": type(exc).__name__, "message": str(exc)[:2000]}
        outcome["seconds"] = time.perf_counter() - start
        outcomes[kind] = outcome
    print(json.dumps(outcomes))
    """
)


def bomb(kind: str, folder: str) -> Any:
    """The bomb of ``kind`` (called in the child process)."""
    if kind == "yaml_file":
        path = Path(folder) / "bomb.yaml"
        path.write_text(ALIAS_BOMB)
        return path
    if kind == "yaml_as_dict":
        import yaml

        return yaml.safe_load(ALIAS_BOMB)  # shared lists: what a caller's own YAML load gives
    shared: Any = ["lol"]
    for _ in range(40):  # 2**40 values, 41 distinct lists
        shared = [shared, shared]
    return _sink(shared)


@pytest.fixture(scope="module")
def bomb_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Load every bomb in one child process capped at 2 GiB of address space."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path_factory.mktemp("bombs"))],
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=cap_memory,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_alias_bomb_is_small() -> None:
    assert len(ALIAS_BOMB.encode()) < 600


@pytest.mark.parametrize("kind", BOMBS)
def test_bombs_fail_fast_with_a_limit_error(kind: str, bomb_outcomes: dict[str, Any]) -> None:
    outcome = bomb_outcomes[kind]
    assert outcome["error"] == "ConfigLimitError", outcome
    assert outcome["seconds"] < 0.5, outcome
    if kind == "yaml_file":
        assert "anchor" in outcome["message"]
        assert "line 4, column 8" in outcome["message"]
    else:
        assert "1,000,000 values" in outcome["message"]
        assert "AGENTPARTS_MAX_CONFIG_NODES" in outcome["message"]


# --- YAML anchors and aliases -----------------------------------------------------------


def test_a_yaml_anchor_is_refused_even_when_harmless(tmp_path: Path) -> None:
    path = tmp_path / "anchor.yaml"
    path.write_text(f"provider: {SINK}\nconfig:\n  payload: &p [1, 2]\n  other: *p\n")
    with pytest.raises(ConfigLimitError, match="anchors and aliases are refused") as info:
        ComponentLoader.load_component(path)
    assert "line 3" in str(info.value)


def test_yaml_without_aliases_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(f"provider: {SINK}\nconfig:\n  payload: {{a: [1, 2], b: x}}\n")
    loaded = ComponentLoader.load_component(path, LimitSink)
    assert loaded.payload == {"a": [1, 2], "b": "x"}


# --- file size ----------------------------------------------------------------------------


def test_a_file_over_the_default_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_sink("x" * (8 * 1024 * 1024))))
    start = time.perf_counter()
    with pytest.raises(ConfigLimitError) as info:
        ComponentLoader.load_component(path)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert "8,388,608 bytes" in message
    assert "AGENTPARTS_MAX_CONFIG_BYTES" in message
    assert str(path) in message


def test_the_size_limit_follows_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "medium.json"
    path.write_text(json.dumps(_sink("x" * 2000)))
    monkeypatch.setenv("AGENTPARTS_MAX_CONFIG_BYTES", "1000")
    with pytest.raises(ConfigLimitError, match="limit of 1,000 bytes"):
        ComponentLoader.load_component(path)
    monkeypatch.setenv("AGENTPARTS_MAX_CONFIG_BYTES", "10000")
    assert ComponentLoader.load_component(path, LimitSink).payload == "x" * 2000
    monkeypatch.setenv("AGENTPARTS_MAX_CONFIG_BYTES", "lots")
    with pytest.raises(ConfigLimitError, match="AGENTPARTS_MAX_CONFIG_BYTES='lots'"):
        ComponentLoader.load_component(path)


# --- nesting depth --------------------------------------------------------------------------


def test_deep_nesting_as_a_dict_is_refused() -> None:
    with pytest.raises(ConfigLimitError) as info:
        ComponentLoader.load_component(_sink(_nested(5000)))
    message = str(info.value)
    assert "more than 100 levels deep" in message
    assert "AGENTPARTS_MAX_CONFIG_DEPTH" in message


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_very_deep_nesting_in_a_file_is_refused(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"deep{suffix}"
    depth = 100_000
    payload = "[" * depth + "0" + "]" * depth
    path.write_text(f'{{"provider": "{SINK}", "config": {{"payload": {payload}}}}}')
    start = time.perf_counter()
    with pytest.raises(ConfigLimitError, match="AGENTPARTS_MAX_CONFIG_DEPTH"):
        ComponentLoader.load_component(path)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_the_depth_limit_follows_its_environment_variable(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text(json.dumps(_sink(_nested(150))))
    with pytest.raises(ConfigLimitError, match="more than 100 levels deep"):
        ComponentLoader.load_component(path)
    monkeypatch.setenv("AGENTPARTS_MAX_CONFIG_DEPTH", "200")
    assert ComponentLoader.load_component(path, LimitSink).payload == _nested(150)
    with pytest.raises(ConfigLimitError, match="more than 200 levels deep"):
        ComponentLoader.load_component(_sink(_nested(250)))


def test_a_config_that_contains_itself_is_refused() -> None:
    payload: dict[str, Any] = {}
    payload["self"] = payload
    with pytest.raises(ComponentConfigError, match="contains itself"):
        ComponentLoader.load_component(_sink(payload))


def test_shared_values_count_once_per_place(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = list(range(1000))
    monkeypatch.setenv("AGENTPARTS_MAX_CONFIG_NODES", "50000")
    with pytest.raises(ConfigLimitError, match="limit of 50,000 values"):
        ComponentLoader.load_component(_sink([shared] * 100))
    assert len(ComponentLoader.load_component(_sink([shared] * 10), LimitSink).payload) == 10


# --- reading and parsing -------------------------------------------------------------------


def test_a_non_utf8_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(
        f'{{"provider": "{SINK}", "config": {{"payload": "caf\xe9"}}}}'.encode("latin-1")
    )
    with pytest.raises(ComponentConfigError, match="not UTF-8 text: byte 0xe9") as info:
        ComponentLoader.load_component(path)
    assert "Save the file as UTF-8" in str(info.value)


def test_an_integer_too_long_to_convert_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "long_int.json"
    digits = "9" * 20_000
    path.write_text(f'{{"provider": "{SINK}", "config": {{"payload": {digits}}}}}')
    with pytest.raises(ComponentConfigError, match="not valid JSON"):
        ComponentLoader.load_component(path)


# --- _from_config raising ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fail_with", ["tool_error", "system_exit", "keyboard_interrupt", "recursion", "value_error"]
)
def test_whatever_from_config_raises_becomes_a_load_error(fail_with: str) -> None:
    with pytest.raises(ComponentLoadError) as info:
        ComponentLoader.load_component(_sink(fail_with=fail_with))
    message = str(info.value)
    assert repr(SINK) in message
    assert info.value.__cause__ is not None  # the original error is kept for debugging
    expected = {
        "tool_error": "ToolError: the tool cannot start",
        "system_exit": "SystemExit: 2",
        "keyboard_interrupt": "KeyboardInterrupt",
        "recursion": "nests too deeply",
        "value_error": "ValueError: bad value",
    }[fail_with]
    assert expected in message


class HolderConfig(BaseModel):
    child: ComponentModel


class LimitHolder(ComponentBase[HolderConfig], Component[HolderConfig]):
    """Holds one nested component, loaded in ``_from_config``."""

    component_type = "holder"
    component_config_schema = HolderConfig
    component_provider_override = "tests.security.LimitHolder"

    def __init__(self, child: Any) -> None:
        self.child = child

    @classmethod
    def _from_config(cls, config: HolderConfig) -> LimitHolder:
        return cls(ComponentLoader.load_component(config.child))


def test_a_nested_component_failure_names_the_nested_provider() -> None:
    saved = {
        "provider": "tests.security.LimitHolder",
        "config": {"child": _sink(fail_with="tool_error")},
    }
    with pytest.raises(ComponentConfigError, match="ToolError") as info:
        ComponentLoader.load_component(saved)
    assert f"Loading {SINK!r} failed" in str(info.value)


def test_limits_leave_real_configs_alone() -> None:
    gallery = Path(__file__).parents[1] / "porting" / "data" / "studio_gallery.json"
    from agentparts._limits import check_structure, current_limits

    check_structure(json.loads(gallery.read_text()), "gallery", current_limits())
