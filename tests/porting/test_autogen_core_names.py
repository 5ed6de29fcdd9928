"""Every public name of AutoGen 0.7.5's ``autogen_core`` and ``autogen_core.logging`` exists
after the rename (``agentparts.X``, ``agentparts.logging.X``) with a call shape AutoGen code
can use, unless :data:`DIFFERENCES` lists it with the reason (issues 19 and 21).

The names come from AutoGen itself: its venv's python (``scripts/bench`` creates it) lists
them, so a name AutoGen adds is caught here. Then a few semantics checks of names added for
the port (``InMemoryStore.get``'s default, ``CacheStore[T]``, the token properties).
"""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import subprocess
from typing import Any

import pytest

import agentparts
from agentparts import CacheStore, InMemoryStore
from agentparts.logging import LLMCallEvent, LLMStreamEndEvent

from .._autogen import AUTOGEN_PYTHON

# (AutoGen module, name, aspect) -> why agentparts differs. An aspect is "value" (a
# constant's value), "params" (the call's parameters) or "method NAME" (a method's).
DIFFERENCES: dict[tuple[str, str, str], str] = {
    ("autogen_core", "ROOT_LOGGER_NAME", "value"): (
        "the logger names follow the renamed root: 'agentparts', not 'autogen_core'"
    ),
    ("autogen_core", "EVENT_LOGGER_NAME", "value"): (
        "the logger names follow the renamed root: 'agentparts.events'"
    ),
    ("autogen_core", "TRACE_LOGGER_NAME", "value"): (
        "the logger names follow the renamed root: 'agentparts.trace'"
    ),
    ("autogen_core", "Image", "params"): (
        "Image holds encoded bytes, Image(data, mime_type), so Pillow is imported only when "
        "needed; AutoGen's Image(pil_image) is Image.from_pil(pil_image)"
    ),
    ("autogen_core", "Image", "method from_base64"): (
        "the parameter is named 'data' (AutoGen: 'base64_str'); positional calls port"
    ),
    ("autogen_core", "Image", "method from_file"): (
        "the parameter is named 'path' (AutoGen: 'file_path'); positional calls port"
    ),
    ("autogen_core", "is_component_instance", "params"): (
        "the parameter is named 'obj' (AutoGen: 'cls', though it takes an instance); "
        "positional calls port"
    ),
}

Params = list[list[Any]]  # [name, kind name, has a default]


def describe(module_name: str, names: list[str]) -> dict[str, Any]:
    """What code can rely on for each name: kind, value, parameters, members, methods.

    Runs in both interpreters (its source is sent to AutoGen's python), so it uses only
    the standard library.
    """
    module = importlib.import_module(module_name)

    def params(obj: Any) -> Params | None:
        try:
            signature = inspect.signature(obj)
        except (TypeError, ValueError):
            return None
        return [
            [p.name, p.kind.name, p.default is not inspect.Parameter.empty]
            for p in signature.parameters.values()
            if p.name not in ("self", "cls")
        ]

    def is_method(cls: type, attribute: str) -> bool:
        raw = inspect.getattr_static(cls, attribute)
        return inspect.isfunction(raw) or isinstance(raw, (classmethod, staticmethod))

    found: dict[str, Any] = {}
    for name in names:
        if not hasattr(module, name):
            continue
        value = getattr(module, name)
        if isinstance(value, type):
            attributes = sorted(a for a in dir(value) if not a.startswith("_"))
            fields: dict[str, Any] | None = getattr(value, "model_fields", None)  # pydantic
            entry: dict[str, Any] = {
                "kind": "class",
                "attributes": attributes,
                "params": [[f, "KEYWORD_ONLY", not i.is_required()] for f, i in fields.items()]
                if isinstance(fields, dict)
                else params(value),
                "methods": {
                    a: params(getattr(value, a)) for a in attributes if is_method(value, a)
                },
            }
            if issubclass(value, enum.Enum):
                entry["members"] = {m.name: m.value for m in value}
        elif callable(value):
            entry = {"kind": "function", "params": params(value)}
        else:
            plain = isinstance(value, (str, int, float, bool))
            entry = {"kind": "constant", "value": value if plain else type(value).__name__}
        found[name] = entry
    return found


_LIST_AUTOGEN_NAMES = """
import autogen_core, autogen_core.logging as logging_module
logging_names = [
    name for name, value in vars(logging_module).items()
    if not name.startswith("_") and getattr(value, "__module__", None) == logging_module.__name__
]
print(json.dumps({
    "autogen_core": describe("autogen_core", list(autogen_core.__all__)),
    "autogen_core.logging": describe("autogen_core.logging", logging_names),
}))
"""


@pytest.fixture(scope="module")
def autogen() -> dict[str, dict[str, Any]]:
    if not AUTOGEN_PYTHON.exists():
        pytest.skip(
            f"AutoGen 0.7.5's venv is not at {AUTOGEN_PYTHON}: `scripts/bench` creates it "
            "(uv pip install -p benchmarks/.envs/autogen autogen-core==0.7.5 ...)"
        )
    code = "import enum, importlib, inspect, json\nfrom typing import Any\n"
    code += inspect.getsource(describe).replace("Params | None", "Any") + _LIST_AUTOGEN_NAMES
    done = subprocess.run(
        [str(AUTOGEN_PYTHON), "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    names: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return names


def ours(module: str) -> str:
    return module.replace("autogen_core", "agentparts", 1)


def call_problems(theirs: Params | None, mine: Params | None) -> list[str]:
    """Calls AutoGen accepts that agentparts would refuse (by parameter name and kind)."""
    if theirs is None or mine is None:
        return []
    by_name = {p[0]: p for p in mine}
    takes_keywords = any(kind == "VAR_KEYWORD" for _, kind, _ in mine)
    takes_positionals = any(kind == "VAR_POSITIONAL" for _, kind, _ in mine)
    problems: list[str] = []
    for name, kind, _ in theirs:
        if kind == "VAR_KEYWORD" and not takes_keywords:
            problems.append(f"**{name}")
        elif kind == "VAR_POSITIONAL" and not takes_positionals:
            problems.append(f"*{name}")
        elif kind not in ("VAR_KEYWORD", "VAR_POSITIONAL") and name not in by_name:
            if not (kind == "KEYWORD_ONLY" and takes_keywords):
                problems.append(f"no parameter {name!r}")
    their_names = {p[0] for p in theirs}
    for name, kind, has_default in mine:
        required = not has_default and kind not in ("VAR_KEYWORD", "VAR_POSITIONAL")
        if required and name not in their_names:
            problems.append(f"requires {name!r}, which AutoGen does not have")
    return problems


def differences(autogen: dict[str, dict[str, Any]]) -> dict[tuple[str, str, str], str]:
    """Every way agentparts differs from AutoGen's names, keyed as :data:`DIFFERENCES`."""
    found: dict[tuple[str, str, str], str] = {}
    for module, names in autogen.items():
        mine = describe(ours(module), list(names))
        for name, theirs in names.items():
            entry = mine.get(name)
            if entry is None:
                found[(module, name, "exists")] = f"agentparts has no {ours(module)}.{name}"
                continue
            if entry["kind"] != theirs["kind"]:
                found[(module, name, "kind")] = f"{entry['kind']}, AutoGen: {theirs['kind']}"
                continue
            if entry.get("value") != theirs.get("value"):
                found[(module, name, "value")] = f"{entry['value']!r} vs {theirs['value']!r}"
            if entry.get("members") != theirs.get("members"):
                found[(module, name, "members")] = f"{entry.get('members')}"
            problems = call_problems(theirs.get("params"), entry.get("params"))
            if problems:
                found[(module, name, "params")] = "; ".join(problems)
            for attribute in theirs.get("attributes", []):
                if attribute not in entry["attributes"]:
                    found[(module, name, f"attribute {attribute}")] = "missing"
            for method, their_params in theirs.get("methods", {}).items():
                problems = call_problems(their_params, entry["methods"].get(method))
                if problems:
                    found[(module, name, f"method {method}")] = "; ".join(problems)
    return found


def test_autogen_lists_the_names_this_test_expects(autogen: dict[str, dict[str, Any]]) -> None:
    assert len(autogen["autogen_core"]) >= 55  # autogen_core.__all__ of 0.7.5
    assert {"MessageEvent", "LLMCallEvent", "DeliveryStage"} <= set(autogen["autogen_core.logging"])


def test_every_autogen_core_name_exists_in_agentparts(autogen: dict[str, dict[str, Any]]) -> None:
    missing = [
        f"{ours(module)}.{name}"
        for module, names in autogen.items()
        for name in names
        if not hasattr(importlib.import_module(ours(module)), name)
    ]
    assert missing == []
    assert set(autogen["autogen_core"]) <= set(agentparts.__all__)


def test_names_differ_from_autogen_only_as_documented(autogen: dict[str, dict[str, Any]]) -> None:
    found = differences(autogen)
    undocumented = {key: why for key, why in found.items() if key not in DIFFERENCES}
    assert undocumented == {}


def test_every_documented_difference_is_still_real(autogen: dict[str, dict[str, Any]]) -> None:
    stale = sorted(set(DIFFERENCES) - set(differences(autogen)))
    assert stale == [], "drop these entries from DIFFERENCES: agentparts now matches AutoGen"


def test_call_problems_sees_a_missing_renamed_or_extra_required_parameter() -> None:
    theirs: Params = [["key", "POSITIONAL_OR_KEYWORD", False], ["default", "KEYWORD_ONLY", True]]
    assert call_problems(theirs, [["key", "POSITIONAL_OR_KEYWORD", False]]) == [
        "no parameter 'default'"
    ]
    assert (
        call_problems(
            theirs, [["key", "POSITIONAL_OR_KEYWORD", False], ["kw", "VAR_KEYWORD", False]]
        )
        == []
    )
    assert call_problems(theirs, [["name", "POSITIONAL_OR_KEYWORD", False]]) == [
        "no parameter 'key'",
        "no parameter 'default'",
        "requires 'name', which AutoGen does not have",
    ]


# --- semantics of names added for the port ------------------------------------------------


def test_in_memory_store_get_returns_the_default_for_a_missing_key_only() -> None:
    store: InMemoryStore[int | None] = InMemoryStore()
    assert store.get("k") is None
    assert store.get("k", 7) == 7
    store.set("k", 0)
    assert store.get("k", 7) == 0  # a falsy value is a value
    store.set("none", None)
    assert store.get("none", 7) is None  # a stored None is returned, as in AutoGen
    bounded: InMemoryStore[str] = InMemoryStore(max_entries=1)
    bounded.set("a", "1")
    bounded.set("b", "2")
    assert bounded.get("a", "gone") == "gone"


def test_cache_store_is_generic_as_in_autogen() -> None:
    class Listing(CacheStore[list[str]]):
        def __init__(self) -> None:
            self.data: dict[str, list[str]] = {}

        def get(self, key: str, default: list[str] | None = None) -> list[str] | None:
            return self.data.get(key, default)

        def set(self, key: str, value: list[str]) -> None:
            self.data[key] = value

    store = Listing()
    store.set("k", ["v"])
    assert store.get("k") == ["v"]
    assert store.get("x", []) == []
    assert isinstance(InMemoryStore[str](), CacheStore)


def test_model_call_events_expose_token_counts_as_autogen_does() -> None:
    call = LLMCallEvent(messages=[], response={}, prompt_tokens=11, completion_tokens=4)
    assert (call.prompt_tokens, call.completion_tokens) == (11, 4)
    end = LLMStreamEndEvent(response={}, prompt_tokens=2, completion_tokens=3)
    assert (end.prompt_tokens, end.completion_tokens) == (2, 3)
    assert json.loads(str(call))["prompt_tokens"] == 11
