"""``imported_on_read`` and ``lazy_package``: names whose module is imported on first use.

Each test runs in a fresh interpreter where it needs to observe what is imported, since
this test process has long imported everything.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from typing import TYPE_CHECKING

import pytest

from agentparts import Component, ComponentBase, ComponentLoader
from agentparts._lazy import imported_on_read, lazy_package

from ._lazy_config import GreeterConfig

if TYPE_CHECKING:
    from typing import Self


def _run(script: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


_CONFIG_MODULE = "tests.core._lazy_config"


def test_the_config_module_is_imported_by_the_first_read_and_not_before() -> None:
    printed = _run(
        f"""
        import sys
        from agentparts import Component
        from agentparts._lazy import imported_on_read

        class Greeter(Component["GreeterConfig"]):
            component_type = "greeter"
            component_config_schema = imported_on_read({_CONFIG_MODULE!r}, "GreeterConfig")

        print({_CONFIG_MODULE!r} in sys.modules)
        schema = Greeter.component_config_schema
        print({_CONFIG_MODULE!r} in sys.modules, schema.__name__)
        # The descriptor replaced itself: the class now holds the config class.
        print(Greeter.__dict__["component_config_schema"] is schema)
        """
    )
    assert printed.splitlines() == ["False", "True GreeterConfig", "True"]


def test_a_subclass_and_an_instance_read_the_same_class() -> None:
    class Counter(Component["GreeterConfig"]):
        component_type = "termination"
        component_config_schema = imported_on_read(_CONFIG_MODULE, "GreeterConfig")

    class Child(Counter):
        pass

    assert Child.component_config_schema is GreeterConfig
    assert Counter().component_config_schema is GreeterConfig
    assert Counter.__dict__["component_config_schema"] is GreeterConfig


def test_a_component_declaring_its_schema_lazily_gets_no_missing_schema_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class Quiet(Component["GreeterConfig"]):
            component_type = "termination"
            component_config_schema = imported_on_read(_CONFIG_MODULE, "GreeterConfig")

    assert "component_config_schema" in vars(Quiet)


def test_a_component_without_a_schema_is_still_warned_about() -> None:
    with pytest.warns(UserWarning, match="component_config_schema"):

        class Incomplete(Component["GreeterConfig"]):
            component_type = "termination"

    assert not hasattr(Incomplete, "component_config_schema")


class Greeter(ComponentBase["GreeterConfig"], Component["GreeterConfig"]):
    component_type = "greeter"
    component_config_schema = imported_on_read(_CONFIG_MODULE, "GreeterConfig")

    def __init__(self, greeting: str) -> None:
        self.greeting = greeting

    def _to_config(self) -> GreeterConfig:
        return self.component_config_schema(greeting=self.greeting)

    @classmethod
    def _from_config(cls, config: GreeterConfig) -> Self:
        return cls(config.greeting)


def test_a_lazily_declared_component_loads_and_saves() -> None:
    model = Greeter("bonjour").dump_component()
    assert model.config == {"greeting": "bonjour"}
    loaded = ComponentLoader.load_component(model.model_dump(), Greeter)
    assert isinstance(loaded, Greeter)
    assert loaded.greeting == "bonjour"


def test_a_wrong_name_fails_on_read_with_the_module_named() -> None:
    class Broken(Component["GreeterConfig"]):
        component_type = "termination"
        component_config_schema = imported_on_read(_CONFIG_MODULE, "NoSuchConfig")

    with pytest.raises(AttributeError, match="NoSuchConfig"):
        _ = Broken.component_config_schema


def test_lazy_package_imports_a_name_once_and_lists_it() -> None:
    printed = _run(
        """
        import sys
        import types
        from agentparts._lazy import lazy_package

        package = types.ModuleType("demo_package")
        sys.modules["demo_package"] = package
        package.__getattr__, package.__dir__ = lazy_package(
            "demo_package", {"JSONDecoder": "json.decoder"}, ["JSONDecoder"]
        )
        print("json.decoder" in sys.modules and "json" in sys.modules)
        import json.decoder
        print(package.JSONDecoder is json.decoder.JSONDecoder)
        print("JSONDecoder" in vars(package), "JSONDecoder" in package.__dir__())
        try:
            package.Missing
        except AttributeError as exc:
            print(exc)
        """
    )
    assert printed.splitlines() == [
        "False",
        "True",
        "True True",
        "module 'demo_package' has no attribute 'Missing'",
    ]


def test_lazy_package_functions_are_what_a_package_needs() -> None:
    get, listing = lazy_package("json", {"JSONDecoder": ".decoder"}, ["JSONDecoder"])
    import json.decoder

    assert get("JSONDecoder") is json.decoder.JSONDecoder
    assert "JSONDecoder" in listing()
