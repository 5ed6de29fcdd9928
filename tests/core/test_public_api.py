"""Every public module declares one sorted ``__all__`` that is exactly its public names."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from types import ModuleType

import pytest

import agentparts


def _public_modules() -> list[str]:
    names = ["agentparts"]
    for info in pkgutil.walk_packages(agentparts.__path__, "agentparts."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            continue
        names.append(info.name)
    return sorted(names)


def _isort_style_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    if name.isupper() or re.fullmatch(r"[A-Z0-9_]+", name):
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def _defined_public_names(module: ModuleType) -> set[str]:
    """Public classes and functions that live in agentparts and are visible here."""
    found: set[str] = set()
    for name, value in vars(module).items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        origin = getattr(value, "__module__", None)
        if (inspect.isclass(value) or inspect.isfunction(value)) and str(origin).startswith(
            "agentparts"
        ):
            found.add(name)
    return found


@pytest.mark.parametrize("module_name", _public_modules())
def test_all_is_sorted_and_exact(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{module_name} has no __all__"
    assert list(exported) == sorted(exported, key=_isort_style_key), (
        f"{module_name}.__all__ is not sorted"
    )
    assert len(set(exported)) == len(exported), f"{module_name}.__all__ has duplicates"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{module_name}.__all__ names missing attributes: {missing}"
    unlisted = _defined_public_names(module) - set(exported)
    assert not unlisted, f"{module_name} has public names not in __all__: {sorted(unlisted)}"


def test_root_exports_the_contract() -> None:
    contract = {
        "Component", "ComponentBase", "ComponentModel", "ComponentLoader", "ComponentFromConfig",
        "ComponentToConfig", "ComponentSchemaType", "is_component_class", "is_component_instance",
        "CancellationToken", "FunctionCall", "Image", "EVENT_LOGGER_NAME", "TRACE_LOGGER_NAME",
    }  # fmt: skip
    assert contract <= set(agentparts.__all__)


def test_root_exports_autogen_cores_runtime_names() -> None:
    runtime_names = {
        "Agent", "AgentId", "AgentInstantiationContext", "AgentMetadata", "AgentProxy",
        "AgentRuntime", "AgentType", "BaseAgent", "CacheStore", "ClosureAgent", "ClosureContext",
        "DefaultInterventionHandler", "DefaultSubscription", "DefaultTopicId", "DropMessage",
        "InMemoryStore", "InterventionHandler", "JSON_DATA_CONTENT_TYPE", "MessageContext",
        "MessageHandlerContext", "MessageSerializer", "PROTOBUF_DATA_CONTENT_TYPE",
        "ROOT_LOGGER_NAME", "RoutedAgent", "SingleThreadedAgentRuntime", "Subscription",
        "SubscriptionInstantiationContext", "TopicId", "TypePrefixSubscription",
        "TypeSubscription", "UnknownPayload", "default_subscription", "event",
        "message_handler", "rpc", "try_get_known_serializers_for_type", "type_subscription",
    }  # fmt: skip
    assert runtime_names <= set(agentparts.__all__)
    # InMemoryStore is the model cache's store (autogen_core.InMemoryStore loads as it).
    from agentparts.models.cache import InMemoryStore

    assert agentparts.InMemoryStore is InMemoryStore


HEAVY = ("httpx", "httpcore", "openai", "aiohttp", "requests", "mcp", "opentelemetry", "PIL",
         "numpy", "llama_cpp", "rich", "yaml", "ray", "jupyter_client")  # fmt: skip


@pytest.mark.parametrize(
    "module_name",
    [
        "agentparts",
        "agentparts.models",
        "agentparts.tools",
        "agentparts.code_executor",
        "agentparts.messages",
        "agentparts.agents",
    ],
)
def test_import_pulls_in_no_heavy_dependency(module_name: str) -> None:
    script = (
        f"import sys, {module_name}\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"import {module_name} pulled in {out.stdout.strip()}"
