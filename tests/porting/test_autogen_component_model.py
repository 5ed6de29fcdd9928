"""The component model behaves as AutoGen 0.7.5's where AutoGen code can tell.

One script runs under agentparts and, when ``scripts/bench`` has built it, under AutoGen's
venv (with AutoGen's import root): both must print the same. The agentparts-only checks
below pin the same behaviour when the AutoGen venv is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from agentparts import Component, ComponentBase, ComponentLoader

from .._autogen import AUTOGEN_PYTHON, needs_autogen

MODULE = """
from pydantic import BaseModel, SecretStr
from ROOT import Component, ComponentBase

class Config(BaseModel):
    key: SecretStr
    size: int = 1

class Base(ComponentBase[Config], Component[Config]):
    component_type = "tool"
    component_config_schema = Config
    component_provider_override = "porting_pkg.Base"
    def __init__(self, key, size=1):
        self.key, self.size = key, size
    def _to_config(self):
        return Config(key=self.key, size=self.size)
    @classmethod
    def _from_config(cls, config):
        return cls(config.key, config.size)

class Inherits(Base):
    pass

class ByProperty(Base):
    @property
    def component_provider_override(self):
        return "porting_pkg.ByProperty"
"""

SCRIPT = """
import json, warnings
warnings.simplefilter("always")
from pydantic import SecretStr
from ROOT import Component, ComponentBase
from porting_pkg import Base, ByProperty, Config, Inherits

out = {}
with warnings.catch_warnings(record=True):
    out["inherited"] = Inherits(SecretStr("k")).dump_component().provider
out["property"] = ByProperty(SecretStr("k")).dump_component().provider
saved = Base(SecretStr("sk-secret"), 3).dump_component()
out["in_memory_type"] = type(saved.config["key"]).__name__
out["json"] = json.loads(saved.model_dump_json())["config"]
out["json_mode"] = saved.model_dump(mode="json")["config"]
again = Base.load_component(saved)
out["round_trip"] = [again.key.get_secret_value(), again.size]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    class Typeless(ComponentBase[Config], Component[Config]):
        component_config_schema = Config
        def _to_config(self):
            return Config(key=SecretStr("x"))
out["class_warning"] = [[w.category.__name__, str(w.message).split(":")[0]] for w in caught]
try:
    Typeless().dump_component()
except Exception as exc:
    out["no_type"] = type(exc).__name__
try:
    Base.load_component({"provider": "porting_pkg.Base", "config": {"size": "big"}})
except Exception as exc:
    from pydantic import ValidationError
    out["invalid_config_is_validation_error"] = isinstance(exc, ValidationError)
    out["invalid_config_fields"] = sorted(".".join(map(str, e["loc"])) for e in exc.errors())
print(json.dumps(out, sort_keys=True))
"""


def _run(python: Path | str, root: str, tmp_path: Path) -> dict[str, object]:
    (tmp_path / "porting_pkg.py").write_text(MODULE.replace("ROOT", root))
    script = tmp_path / f"component_model_{root}.py"
    script.write_text(SCRIPT.replace("ROOT", root))
    env_allow = {"AGENTPARTS_ALLOWED_PROVIDERS": "porting_pkg"}

    done = subprocess.run(
        [str(python), str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env_allow},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


EXPECTED = {
    # What AutoGen 0.7.5 prints for SCRIPT (checked against its venv).
    "class_warning": [
        [
            "UserWarning",
            "Class variable 'component_type' must be defined in Typeless to be a valid component",
        ]
    ],
    "in_memory_type": "SecretStr",
    "inherited": "porting_pkg.Base",
    "invalid_config_fields": ["key", "size"],
    "invalid_config_is_validation_error": True,
    "json": {"key": "**********", "size": 3},
    "json_mode": {"key": "**********", "size": 3},
    "no_type": "AttributeError",
    "property": "porting_pkg.ByProperty",
    "round_trip": ["sk-secret", 3],
}


def test_agentparts_prints_what_autogen_prints(tmp_path: Path) -> None:
    assert _run(sys.executable, "agentparts", tmp_path) == EXPECTED


@needs_autogen
def test_autogen_prints_the_expected_values(tmp_path: Path) -> None:
    assert _run(AUTOGEN_PYTHON, "autogen_core", tmp_path) == EXPECTED


# --- agentparts-only: the safety kept around AutoGen's behaviour ----------------------


class _Config(BaseModel):
    key: SecretStr | None = None


class _Parent(ComponentBase[_Config], Component[_Config]):
    component_type = "tool"
    component_config_schema = _Config
    component_provider_override = "tests.porting.Parent"

    def __init__(self, key: SecretStr | None = None) -> None:
        self.key = key

    def _to_config(self) -> _Config:
        return _Config(key=self.key)

    @classmethod
    def _from_config(cls, config: _Config) -> _Parent:
        return cls(config.key)


class _Child(_Parent):
    pass


def test_inherited_override_warns_that_the_subclass_loads_as_its_parent() -> None:
    with pytest.warns(
        UserWarning, match=r"_Child is saved under the provider 'tests.porting.Parent'"
    ):
        saved = _Child().dump_component()
    assert saved.provider == "tests.porting.Parent"
    assert type(_Parent.load_component(saved)) is _Parent  # the parent, never the subclass


class _ChildWithItsOwnString(_Parent):
    component_provider_override = "tests.porting.ChildWithItsOwnString"


def test_a_subclass_with_its_own_override_loads_as_itself_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saved = _ChildWithItsOwnString().dump_component()
    assert type(ComponentLoader.load_component(saved)) is _ChildWithItsOwnString


def test_env_read_secrets_stay_references_in_memory_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from agentparts import secret_from_env

    monkeypatch.setenv("PORTING_KEY", "from-env")
    key = secret_from_env("PORTING_KEY")
    saved = _Parent(key).dump_component()
    assert saved.config["key"] == {"$env": "PORTING_KEY"}
    assert "from-env" not in saved.model_dump_json()


def test_plain_secrets_are_written_only_when_asked() -> None:
    saved = _Parent(SecretStr("sk-plain")).dump_component()
    assert "sk-plain" not in saved.model_dump_json()
    assert "sk-plain" not in json.dumps(saved.model_dump(mode="json"))
    with pytest.raises(TypeError):  # as AutoGen: a python-mode dump is not JSON
        json.dumps(saved.model_dump())
    assert (
        "sk-plain"
        in _Parent(SecretStr("sk-plain")).dump_component(include_secrets=True).model_dump_json()
    )


def test_load_errors_are_also_the_errors_autogen_code_catches() -> None:
    from agentparts.errors import (
        ComponentConfigError,
        ComponentVersionError,
        ProviderNotAllowedError,
        ProviderNotFoundError,
    )

    with pytest.raises(ValidationError) as invalid:
        _Parent.load_component({"provider": "tests.porting.Parent", "config": {"key": 3}})
    assert isinstance(invalid.value, ComponentConfigError)
    assert [e["loc"] for e in invalid.value.errors()] == [("key",)]
    assert "Invalid config for 'tests.porting.Parent': config.key" in str(invalid.value)

    with pytest.raises(ValidationError) as malformed:
        ComponentLoader.load_component({"config": {}})
    assert isinstance(malformed.value, ComponentConfigError)

    with pytest.raises(ImportError) as refused:
        ComponentLoader.load_component({"provider": "somewhere_else.Tool", "config": {}})
    assert isinstance(refused.value, ProviderNotAllowedError)

    with pytest.raises(ImportError) as missing:
        ComponentLoader.load_component({"provider": "agentparts.tools.NoSuchTool", "config": {}})
    assert isinstance(missing.value, ProviderNotFoundError)

    future = _Parent().dump_component().model_copy(update={"component_version": 7})
    with pytest.raises(NotImplementedError) as version:
        _Parent.load_component(future)
    assert isinstance(version.value, ComponentVersionError)


def test_bad_tool_arguments_are_a_validation_error() -> None:
    from agentparts.errors import ToolArgumentsError
    from agentparts.tools import FunctionTool

    def add(a: int, b: int) -> int:
        return a + b

    tool = FunctionTool(add, description="Add.")
    import asyncio

    from agentparts import CancellationToken

    with pytest.raises(ValidationError) as bad:
        asyncio.run(tool.run_json({"a": "x"}, CancellationToken()))
    assert isinstance(bad.value, ToolArgumentsError)
    assert "add" in str(bad.value)
    assert {e["loc"] for e in bad.value.errors()} == {("a",), ("b",)}  # pydantic's entries
