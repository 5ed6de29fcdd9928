"""Every name a config holds goes through one resolver that refuses attribute walking and
side-effect modules (issue 18, "No attribute walking", "No side-effect modules").

The table of hostile references is tried as every kind of reference a config can hold: a
provider, a FunctionTool function, an AssistantAgent's output_content_type and its
tool_call_summary_formatter, a FunctionalTermination's function and a UserProxyAgent's input
function (selector functions go through the same import_reference). Each must be refused at load time with an error that says why,
and nothing may run.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentparts import ComponentLoader, _providers
from agentparts.agents import AssistantAgent
from agentparts.errors import (
    ComponentLoadError,
    ProviderNotAllowedError,
    ProviderNotFoundError,
    UnsafeReferenceError,
)
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools import BaseTool, FunctionTool

TARGETS = "tests.security._reference_targets"
KINDS = ("provider", "function", "output_type", "formatter", "termination", "input_func")


def _agent_config(**references: str) -> dict[str, Any]:
    saved = AssistantAgent("a", ReplayChatCompletionClient(["hi"])).dump_component().model_dump()
    saved["config"].update(references)
    return saved


def load_as(kind: str, reference: str, allowed: list[str] | None = None) -> Any:
    """Load ``reference`` as the given kind of reference, the way a config names it."""
    if kind == "provider":
        return ComponentLoader.load_component(
            {"provider": reference, "config": {}}, allowed_providers=allowed
        )
    if kind == "function":
        config = {"function": reference, "name": "f", "description": "A tool."}
        return BaseTool.load_component(
            {"provider": "function_tool", "config": config}, allowed_providers=allowed
        )
    if kind == "termination":
        return ComponentLoader.load_component(
            {
                "provider": "agentparts.conditions.FunctionalTermination",
                "config": {"func": reference},
            },
            allowed_providers=allowed,
        )
    if kind == "input_func":
        return ComponentLoader.load_component(
            {
                "provider": "agentparts.agents.UserProxyAgent",
                "config": {"name": "u", "input_func": reference},
            },
            allowed_providers=allowed,
        )
    field = "output_content_type" if kind == "output_type" else "tool_call_summary_formatter"
    return AssistantAgent.load_component(
        _agent_config(**{field: reference}), allowed_providers=allowed
    )


# (reference, what the error must say). Each is refused as every kind of reference; the
# dotted forms are not function references (those need 'module:qualname'), so a
# FunctionTool is tried with the colon forms only.
HOSTILE: list[tuple[str, str]] = [
    # Walking through a module attribute into another module.
    ("agentparts._component:os.system", "is the module 'os'"),
    ("agentparts._component.os.system", "is the module 'os'"),
    ("agentparts:_component.os.system", "is the module 'agentparts._component'"),
    ("agentparts._references:importlib.import_module", "is the module 'importlib'"),
    ("agentparts._references.importlib.import_module", "is the module 'importlib'"),
    ("agentparts._component:warnings.warn", "is the module 'warnings'"),
    (f"{TARGETS}:subprocess.run", "is the module 'subprocess'"),
    (f"{TARGETS}.subprocess.Popen", "is the module 'subprocess'"),
    # A name the allowed module imported from elsewhere.
    (f"{TARGETS}:system", "defined in 'posix'"),
    (f"{TARGETS}:OutsideWidget", "defined in 'tests.security._reference_outside'"),
    (f"{TARGETS}.OutsideModel", "defined in 'tests.security._reference_outside'"),
    (f"{TARGETS}:outside_function", "defined in 'tests.security._reference_outside'"),
    ("agentparts._component:Path", "defined in 'pathlib'"),
    # Through an instance, or into special attributes.
    (f"{TARGETS}:tools.whisper", "not a class"),
    ("agentparts._component:ComponentLoader.load_component.__globals__", "dunder"),
    ("agentparts.tools.FunctionTool.__init__", "dunder"),
    (f"{TARGETS}:Tools.__dict__", "dunder"),
    # Modules that run code when imported, and the command line.
    ("agentparts.cli.__main__.main", "dunder"),
    ("agentparts.cli.__main__:main", "dunder"),
    ("agentparts.cli:main", "runs the command line"),
    ("agentparts.cli._main:main", "runs the command line"),
    ("agentparts.cli._main.build_parser", "runs the command line"),
    ("agentparts.testing.mcp_server:main", "runs the command line"),
    # agentparts' own functions: internals, not tools (probe_bwrap runs the program it is given).
    ("agentparts.code_executors.sandbox._bwrap:probe_bwrap", "of agentparts itself"),
    ("agentparts.code_executors._process:kill_process_tree", "of agentparts itself"),
    ("agentparts._component:ComponentLoader.load_component", "of agentparts itself"),
    ("agentparts._providers.register_class", "of agentparts itself"),
    ("agentparts.tools._worker_threads:_shared", "of agentparts itself"),
]

CASES = [
    pytest.param(kind, reference, reason, id=f"{kind}-{reference}")
    for reference, reason in HOSTILE
    for kind in KINDS
    if kind != "function" or ":" in reference
]


@pytest.mark.parametrize(("kind", "reference", "reason"), CASES)
def test_hostile_reference_is_refused_and_says_why(kind: str, reference: str, reason: str) -> None:
    main_loaded = "agentparts.cli.__main__" in sys.modules
    with pytest.raises(UnsafeReferenceError) as info:
        load_as(kind, reference, allowed=[TARGETS])
    message = str(info.value)
    assert reason in message
    assert reference in message
    assert "Refused to load" in message
    # Nothing that runs the command line was imported along the way.
    assert ("agentparts.cli.__main__" in sys.modules) == main_loaded


@pytest.mark.parametrize("kind", KINDS)
def test_attribute_walks_of_a_plain_load_are_refused(kind: str) -> None:
    # The headline attack, without any allowance: the module is built in, the walk is not.
    reference = "agentparts._component:os.system"
    with pytest.raises(UnsafeReferenceError, match="walk through a module"):
        load_as(kind, reference)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "function"])
def test_references_to_names_a_module_no_longer_has_are_load_errors(kind: str) -> None:
    # agentparts._providers no longer imports importlib: still a clear load error.
    with pytest.raises(ComponentLoadError, match="has no attribute 'importlib'"):
        load_as(kind, "agentparts._providers.importlib.import_module")


def test_refused_functions_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    try:
        tool = load_as("function", "agentparts._component:os.system")
    except UnsafeReferenceError:
        pass
    else:
        tool.func(f"touch {marker}")  # what the attack does once the function is loaded
    assert not marker.exists()


def test_malformed_references_are_load_errors() -> None:
    # (An empty output type or formatter means "none", so "" is tried as the others only.)
    for reference in (" ", "a b:c", "agentparts.:x", "agentparts:x:y", "x" * 600, "1abc.d"):
        for kind in KINDS:
            with pytest.raises(ComponentLoadError):
                load_as(kind, reference)
    for kind in ("provider", "function", "termination"):
        with pytest.raises(ComponentLoadError):
            load_as(kind, "")


@pytest.fixture
def exiting_package(tmp_path: Path) -> Iterator[str]:
    """A real package whose import raises SystemExit (or KeyboardInterrupt in a submodule)."""
    name = "exits_on_import_pkg"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("raise SystemExit(3)\n")
    sub = tmp_path / f"{name}_b"
    sub.mkdir()
    (sub / "__init__.py").write_text("")
    (sub / "interrupt.py").write_text("raise KeyboardInterrupt\n")
    sys.path.insert(0, str(tmp_path))
    try:
        yield name
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith(name)]:
            del sys.modules[module]


@pytest.mark.parametrize("kind", KINDS)
def test_a_module_that_exits_on_import_is_a_load_error(kind: str, exiting_package: str) -> None:
    allowed = [exiting_package, f"{exiting_package}_b"]
    with pytest.raises(ComponentLoadError, match="SystemExit") as info:
        load_as(kind, f"{exiting_package}:Thing", allowed)
    assert "broken" in str(info.value)
    with pytest.raises(ComponentLoadError, match="KeyboardInterrupt"):
        load_as(kind, f"{exiting_package}_b.interrupt:Thing", allowed)


def test_not_allowed_references_import_nothing() -> None:
    for kind in KINDS:
        with pytest.raises(ProviderNotAllowedError, match="Nothing was imported"):
            load_as(kind, "never_imported_pkg_xyz:thing")
        assert "never_imported_pkg_xyz" not in sys.modules


# --- what must keep working ----------------------------------------------------------------


@pytest.mark.parametrize(
    "provider",
    [
        "replay",
        "agentparts.models.replay.ReplayChatCompletionClient",  # a package re-export
        "agentparts.models.replay._replay.ReplayChatCompletionClient",  # the defining module
        "agentparts.models.replay._replay:ReplayChatCompletionClient",
        "autogen_ext.models.replay.ReplayChatCompletionClient",  # an AutoGen name
    ],
)
def test_built_in_providers_load(provider: str) -> None:
    loaded = ComponentLoader.load_component(
        {"provider": provider, "config": {"chat_completions": ["hi"]}}
    )
    assert isinstance(loaded, ReplayChatCompletionClient)


def test_a_nested_component_class_loads_through_the_resolver() -> None:
    from tests.security._reference_targets import Holder

    path = f"{TARGETS}.Holder.NestedWidget"
    # Forget that the class is defined in this process, so the name is resolved by import.
    registered = _providers._registered_classes.pop(path)
    try:
        loaded = ComponentLoader.load_component(
            {"provider": path, "config": {}}, allowed_providers=[TARGETS]
        )
        assert type(loaded) is Holder.NestedWidget
        with pytest.raises(ProviderNotAllowedError):
            ComponentLoader.load_component({"provider": path, "config": {}})
    finally:
        _providers._registered_classes[path] = registered


@pytest.mark.parametrize(
    ("reference", "expected"),
    [(f"{TARGETS}:shout", "HEY"), (f"{TARGETS}:Tools.whisper", "hey")],
)
async def test_functions_defined_in_the_module_load(reference: str, expected: str) -> None:
    from agentparts import CancellationToken

    tool = load_as("function", reference, allowed=[TARGETS])
    assert isinstance(tool, FunctionTool)
    assert await tool.run_json({"text": "Hey"}, CancellationToken()) == expected


def test_the_demo_calculator_tool_still_loads() -> None:
    tool = load_as("function", "agentparts.cli._demo:calculator")
    assert isinstance(tool, FunctionTool)


@pytest.mark.parametrize("output_type", [f"{TARGETS}.Weather", f"{TARGETS}.Outer.Inner"])
def test_output_types_defined_in_the_module_load(output_type: str) -> None:
    agent = load_as("output_type", output_type, allowed=[TARGETS])
    saved = agent.dump_component().config["output_content_type"]
    assert saved == output_type


@pytest.mark.parametrize("kind", ["termination", "input_func"])
def test_functions_defined_in_the_module_load_as_other_kinds(kind: str) -> None:
    loaded = load_as(kind, f"{TARGETS}.shout", allowed=[TARGETS])
    saved = loaded.dump_component().config
    assert saved.get("func", saved.get("input_func")) == f"{TARGETS}.shout"


def test_a_formatter_defined_in_the_module_loads() -> None:
    agent = load_as("formatter", f"{TARGETS}.short_summary", allowed=[TARGETS])
    assert agent.dump_component().config["tool_call_summary_formatter"] == (
        f"{TARGETS}.short_summary"
    )


def test_an_output_type_that_is_not_a_model_is_a_type_error() -> None:
    from agentparts.errors import ComponentTypeError

    with pytest.raises(ComponentTypeError, match="not a pydantic model"):
        load_as("output_type", f"{TARGETS}.shout", allowed=[TARGETS])


def test_a_formatter_that_cannot_be_called_is_refused() -> None:
    with pytest.raises(ProviderNotFoundError, match="cannot be called"):
        load_as("formatter", f"{TARGETS}.tools", allowed=[TARGETS])


def test_allowed_user_package_still_loads_through_one_resolver(tmp_path: Path) -> None:
    package = tmp_path / "user_refs_pkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from ._impl import double as double

            def triple(x: int) -> int:
                return 3 * x
            """
        )
    )
    (package / "_impl.py").write_text("def double(x: int) -> int:\n    return 2 * x\n")
    sys.path.insert(0, str(tmp_path))
    try:
        # A package may re-export what its own submodules define.
        for reference, expected in (("user_refs_pkg:double", 4), ("user_refs_pkg:triple", 6)):
            tool = load_as("function", reference, allowed=["user_refs_pkg"])
            assert tool.func(2) == expected
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("user_refs_pkg")]:
            del sys.modules[name]
