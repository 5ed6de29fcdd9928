"""Which providers may be loaded, and how a provider string becomes a class.

Safe loading: a provider is imported only if it is built in (under ``agentparts.``),
registered through the ``agentparts.components`` entry-point group, already defined in
this process, or under a prefix the caller allowed (argument or the
``AGENTPARTS_ALLOWED_PROVIDERS`` environment variable). Anything else is refused before
any import. This module decides *which* names may load; :mod:`agentparts._references`
turns a name into an object, under further rules (no attribute walking, no side effects).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import ComponentTypeError, ProviderNotFoundError

__all__ = [
    "ALLOWED_PROVIDERS_ENV_VAR",
    "AUTOGEN_ROOTS",
    "BUILTIN_SHORT_NAMES",
    "ENTRY_POINT_GROUP",
    "EntryPointComponent",
    "allowing_providers",
    "autogen_missing_message",
    "closest_to_autogen",
    "import_provider",
    "installed_components",
    "is_allowed",
    "register_class",
    "registered_class",
    "resolve_provider",
]

ENTRY_POINT_GROUP = "agentparts.components"
ALLOWED_PROVIDERS_ENV_VAR = "AGENTPARTS_ALLOWED_PROVIDERS"
AUTOGEN_ROOTS = ("autogen_core.", "autogen_agentchat.", "autogen_ext.")
"""AutoGen roots that map onto ``agentparts.``, module paths below them unchanged."""

BUILTIN_SHORT_NAMES: dict[str, str] = {
    # models
    "openai": "agentparts.models.openai.OpenAIChatCompletionClient",
    "anthropic": "agentparts.models.anthropic.AnthropicChatCompletionClient",
    "azure_openai": "agentparts.models.openai.AzureOpenAIChatCompletionClient",
    "azure_ai": "agentparts.models.azure.AzureAIChatCompletionClient",
    "ollama": "agentparts.models.ollama.OllamaChatCompletionClient",
    "azure_token_provider": "agentparts.auth.azure.AzureTokenProvider",
    "replay": "agentparts.models.replay.ReplayChatCompletionClient",
    "llama_cpp": "agentparts.models.llama_cpp.LlamaCppChatCompletionClient",
    "chat_completion_cache": "agentparts.models.cache.ChatCompletionCache",
    "in_memory_store": "agentparts.models.cache.InMemoryStore",
    "disk_store": "agentparts.models.cache.DiskStore",
    # tools
    "function_tool": "agentparts.tools.FunctionTool",
    "static_workbench": "agentparts.tools.StaticWorkbench",
    "mcp_workbench": "agentparts.tools.mcp.McpWorkbench",
    "search": "agentparts.tools.search.SearchTool",
    "python_code_execution": "agentparts.tools.PythonCodeExecutionTool",
    # code executors
    "local": "agentparts.code_executors.local.LocalCommandLineCodeExecutor",
    "sandbox": "agentparts.code_executors.sandbox.SandboxedCodeExecutor",
    "jupyter": "agentparts.code_executors.jupyter.JupyterCodeExecutor",
    # agents
    "assistant_agent": "agentparts.agents.AssistantAgent",
    "code_executor_agent": "agentparts.agents.CodeExecutorAgent",
    # model contexts and memory
    "unbounded_context": "agentparts.model_context.UnboundedChatCompletionContext",
    "buffered_context": "agentparts.model_context.BufferedChatCompletionContext",
    "head_and_tail_context": "agentparts.model_context.HeadAndTailChatCompletionContext",
    "token_limited_context": "agentparts.model_context.TokenLimitedChatCompletionContext",
    "list_memory": "agentparts.memory.ListMemory",
}
"""Short names of the built-in components, usable as ``provider`` in configs."""

# AutoGen providers whose agentparts path is not a plain root rename.
_AUTOGEN_SPECIAL: dict[str, str] = {
    "autogen_ext.tools.code_execution.PythonCodeExecutionTool": "agentparts.tools.PythonCodeExecutionTool",
    "autogen_ext.models.cache.ChatCompletionCache": "agentparts.models.cache.ChatCompletionCache",
    "autogen_core.InMemoryStore": "agentparts.models.cache.InMemoryStore",
}

# AutoGen components agentparts does not implement: the closest agentparts component, or the
# issue that adds the missing subsystem. Keys are a provider or a module prefix of providers;
# the longest one that matches wins. Every ``agentparts.`` path named here must exist
# (tests/porting/test_autogen_missing_providers.py).
_SANDBOX = "agentparts.code_executors.sandbox.SandboxedCodeExecutor"
_AUTOGEN_MISSING: dict[str, str] = {
    "autogen_ext.agents": "agentparts has no prebuilt AutoGen agents beyond AssistantAgent, "
    "CodeExecutorAgent, UserProxyAgent, SocietyOfMindAgent and MessageFilterAgent; the closest "
    "is agentparts.agents.AssistantAgent with the tools the agent needs.",
    "autogen_ext.agents.web_surfer": "agentparts has no browser agent (AutoGen's drives "
    "Playwright). Closest: an agentparts.agents.AssistantAgent with a browser MCP server "
    "through agentparts.tools.mcp.McpWorkbench.",
    "autogen_ext.agents.file_surfer": "Closest: an agentparts.agents.AssistantAgent with "
    "agentparts.tools.search.SearchTool (local full-text search over a folder).",
    "autogen_ext.agents.openai": "agentparts does not use OpenAI's Assistants API. Closest: "
    "agentparts.agents.AssistantAgent with agentparts.models.openai.OpenAIChatCompletionClient.",
    "autogen_ext.agents.azure": "Closest: agentparts.agents.AssistantAgent with "
    "agentparts.models.azure.AzureAIChatCompletionClient.",
    "autogen_ext.agents.magentic_one": "Closest: agentparts.agents.AssistantAgent for the "
    "coder and agentparts.agents.CodeExecutorAgent to run its code, in an "
    "agentparts.teams.MagenticOneGroupChat.",
    "autogen_ext.code_executors": f"Closest: {_SANDBOX} (short name 'sandbox'), which isolates "
    "code with bubblewrap on this machine.",
    "autogen_ext.code_executors.docker": "agentparts runs no Docker containers. Closest: "
    f"{_SANDBOX} (short name 'sandbox'): bubblewrap isolation, no network, no Docker engine.",
    "autogen_ext.code_executors.docker_jupyter": "agentparts runs no Docker containers. "
    "Closest: agentparts.code_executors.jupyter.JupyterCodeExecutor (on the host, trusted "
    f"code only) or {_SANDBOX} (isolated).",
    "autogen_ext.code_executors.azure": "agentparts does not call Azure Container Apps "
    f"dynamic sessions. Closest: {_SANDBOX} (short name 'sandbox'), on this machine.",
    "autogen_ext.models": "Closest: agentparts.models.openai.OpenAIChatCompletionClient, "
    "which speaks to any OpenAI-compatible endpoint (set base_url and model_info), or the "
    "native clients of issue #22 (agentparts.models.anthropic, agentparts.models.ollama, "
    "agentparts.models.azure).",
    "autogen_ext.models.semantic_kernel": "agentparts has no Semantic Kernel adapter. Use "
    "the client of the model behind it: "
    "agentparts.models.openai.OpenAIChatCompletionClient (any OpenAI-compatible endpoint), "
    "agentparts.models.anthropic.AnthropicChatCompletionClient, "
    "agentparts.models.ollama.OllamaChatCompletionClient or "
    "agentparts.models.azure.AzureAIChatCompletionClient.",
    "autogen_ext.tools": "Closest: agentparts.tools.FunctionTool around a function of your "
    "own module, or the tools of an MCP server through agentparts.tools.mcp.McpWorkbench.",
    "autogen_ext.tools.langchain": "agentparts does not wrap LangChain tools. Closest: "
    "agentparts.tools.FunctionTool around a function of your own module that calls the "
    "LangChain tool (saved as an import reference), or an MCP server through "
    "agentparts.tools.mcp.McpWorkbench.",
    "autogen_ext.tools.semantic_kernel": "agentparts does not wrap Semantic Kernel "
    "functions. Closest: agentparts.tools.FunctionTool around a function of your own module.",
    "autogen_ext.tools.http": "Closest: agentparts.tools.FunctionTool around a function of "
    "your own module that makes the request.",
    "autogen_ext.tools.graphrag": "agentparts has no GraphRAG tools. Closest: "
    "agentparts.tools.search.SearchTool (local full-text search).",
    "autogen_ext.tools.azure": "agentparts does not call Azure AI Search. Closest: "
    "agentparts.tools.search.SearchTool (local full-text search).",
    "autogen_ext.tools.mcp.McpSessionActor": "Sessions belong to a workbench here: use "
    "agentparts.tools.mcp.McpWorkbench.",
    "autogen_ext.memory": "agentparts has no vector memory stores (ChromaDB, Redis, Mem0) or "
    "canvas memory. Closest: agentparts.memory.ListMemory, or a subclass of "
    "agentparts.memory.Memory of your own.",
    "autogen_ext.experimental": "Experimental AutoGen subsystems are not ported. Closest: "
    "agentparts.memory.ListMemory.",
    "autogen_ext.cache_store.diskcache": "Closest: agentparts.models.cache.DiskStore (short "
    "name 'disk_store'), a store in one SQLite file.",
    "autogen_ext.cache_store.redis": "agentparts has no Redis client. Closest: "
    "agentparts.models.cache.DiskStore or agentparts.models.cache.InMemoryStore.",
    "autogen_ext.runtimes.grpc": "The distributed runtime here is Ray (issue #21): "
    "agentparts.runtimes.ray.RayAgentRuntime.",
    "autogen_core.tool_agent": "Agents call their tools directly here: "
    "agentparts.agents.AssistantAgent with its tools or agentparts.tools.StaticWorkbench.",
}

_registered_classes: dict[str, list[type[Any]]] = {}
_allowed_prefixes: ContextVar[tuple[str, ...]] = ContextVar("agentparts_allowed", default=())


@dataclass(frozen=True)
class EntryPointComponent:
    """A component registered through the ``agentparts.components`` entry-point group."""

    name: str
    provider: str
    distribution: str | None


def register_class(provider: str, cls: type[Any]) -> None:
    """Remember a component class defined in this process under its provider string.

    A class defined again under the same module and name (a reloaded module) replaces the
    old one; distinct classes that claim one provider string are all kept, and loading
    picks among them by the expected type (see :func:`import_provider`).
    """
    name = f"{cls.__module__}.{cls.__qualname__}"
    classes = _registered_classes.setdefault(provider, [])
    classes[:] = [c for c in classes if f"{c.__module__}.{c.__qualname__}" != name]
    classes.append(cls)


@cache
def installed_components() -> tuple[EntryPointComponent, ...]:
    """Components that installed packages register (read once per process)."""
    from importlib.metadata import entry_points

    found: list[EntryPointComponent] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        # module and attr, not the raw value: a value may carry extras ("pkg.mod:Cls [gpu]").
        try:
            provider = f"{entry.module}.{entry.attr}" if entry.attr else entry.module
        except AttributeError:  # malformed value: kept as is, so it is listed as broken
            provider = entry.value
        dist = entry.dist.name if entry.dist is not None else None
        found.append(EntryPointComponent(entry.name, provider, dist))
    return tuple(found)


@contextmanager
def allowing_providers(prefixes: Sequence[str] | None) -> Generator[None]:
    """Allow ``prefixes`` for every load inside this block, nested loads included."""
    if not prefixes:
        yield
        return
    token = _allowed_prefixes.set((*_allowed_prefixes.get(), *prefixes))
    try:
        yield
    finally:
        _allowed_prefixes.reset(token)


def resolve_provider(provider: str) -> str:
    """The full dotted path a provider string stands for (short names, AutoGen names).

    Raises:
        ProviderNotFoundError: the short name is registered by several packages with
            different providers.
    """
    provider = provider.strip()
    if provider in BUILTIN_SHORT_NAMES:
        return BUILTIN_SHORT_NAMES[provider]
    registered = {e.provider: e for e in installed_components() if e.name == provider}
    if len(registered) > 1:
        owners = ", ".join(
            f"{path} (from {entry.distribution or 'an unknown package'})"
            for path, entry in sorted(registered.items())
        )
        raise ProviderNotFoundError(
            f"The short name {provider!r} is registered by more than one installed package: "
            f"{owners}. Use the full provider path in the config, or uninstall one of them."
        )
    if registered:
        return next(iter(registered))
    if provider in _AUTOGEN_SPECIAL:
        return _AUTOGEN_SPECIAL[provider]
    for root in AUTOGEN_ROOTS:
        if provider.startswith(root):
            return "agentparts." + provider[len(root) :]
    return provider.replace(":", ".")


def _env_prefixes() -> tuple[str, ...]:
    raw = os.environ.get(ALLOWED_PROVIDERS_ENV_VAR, "")
    return tuple(p.strip() for p in raw.split(",") if p.strip())


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip(".")
    return path == prefix or path.startswith(prefix + ".")


def is_allowed(path: str) -> bool:
    """Whether importing ``path`` is allowed right now."""
    if _under(path, "agentparts") or path in _registered_classes:
        return True
    if any(entry.provider == path for entry in installed_components()):
        return True
    return any(_under(path, p) for p in (*_allowed_prefixes.get(), *_env_prefixes()))


def import_provider(provider: str, expected: type[Any] | None = None) -> type[Any]:
    """The class a provider string names, imported only if allowed and safe.

    Kept here for callers; the one implementation is
    :func:`agentparts._references.import_provider`, which documents the rules and errors.
    """
    from ._references import import_provider as resolve

    return resolve(provider, expected)


def registered_class(provider: str, path: str, expected: type[Any] | None) -> type[Any] | None:
    """The class defined in this process under ``path``, if any (no import happens).

    Raises:
        ComponentTypeError: several classes in this process claim the provider string.
    """
    registered = _registered_classes.get(path)
    if not registered:
        return None
    return _choose_registered(provider, registered, expected)


def autogen_missing_message(provider: str) -> str | None:
    """What to say when an AutoGen provider has no agentparts equivalent (``None`` if not AutoGen)."""
    return _no_equivalent(provider) if _is_autogen(provider) else None


def _is_autogen(provider: str) -> bool:
    return provider.strip().startswith(AUTOGEN_ROOTS)


def closest_to_autogen(provider: str) -> str | None:
    """What agentparts offers instead of an AutoGen provider it lacks (``None`` if unknown)."""
    provider = provider.strip()
    matches = [
        prefix
        for prefix in _AUTOGEN_MISSING
        if provider == prefix or provider.startswith(prefix + ".")
    ]
    return _AUTOGEN_MISSING[max(matches, key=len)] if matches else None


def _no_equivalent(provider: str) -> str:
    advice = closest_to_autogen(provider)
    return (
        f"Provider {provider!r} is an AutoGen component that agentparts does not have. "
        + (f"{advice} " if advice else "")
        + "Replace it in the config with an agentparts component (run 'agentparts components "
        "list'), or register your own implementation through the "
        f"{ENTRY_POINT_GROUP!r} entry-point group; see docs/porting-from-autogen.md."
    )


def _choose_registered(
    provider: str, classes: list[type[Any]], expected: type[Any] | None
) -> type[Any]:
    matching = [c for c in classes if expected is None or issubclass(c, expected)]
    if len(matching) == 1:
        return matching[0]
    if not matching:
        return classes[-1]  # the caller reports the type mismatch
    names = ", ".join(f"{c.__module__}.{c.__qualname__}" for c in matching)
    raise ComponentTypeError(
        f"Provider {provider!r} is claimed by several classes defined in this process "
        f"({names}). Give each class its own component_provider_override, or load it "
        "through the class you mean (SomeClass.load_component(...))."
    )
