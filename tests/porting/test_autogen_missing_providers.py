"""An AutoGen provider agentparts does not implement names what to use instead (issue 19).

Loading such a config fails with a ProviderNotFoundError (also an ImportError, as AutoGen
code expects) whose message names the closest agentparts component or the issue of the
missing subsystem, then says how to replace or register it.
"""

from __future__ import annotations

import re

import pytest

from agentparts import ComponentLoader
from agentparts._providers import _AUTOGEN_MISSING, closest_to_autogen, import_provider
from agentparts.errors import ProviderNotFoundError
from agentparts.models.llama_cpp import LlamaCppChatCompletionClient

from ._paths import object_exists

# provider -> words the error must contain (the closest component, or the issue)
MISSING = {
    "autogen_ext.models.semantic_kernel.SKChatCompletionAdapter": (
        "no Semantic Kernel adapter",
        "agentparts.models.openai.OpenAIChatCompletionClient",
    ),
    "autogen_ext.code_executors.docker.DockerCommandLineCodeExecutor": (
        "no Docker containers",
        "agentparts.code_executors.sandbox.SandboxedCodeExecutor",
        "'sandbox'",
    ),
    "autogen_ext.code_executors.docker_jupyter.DockerJupyterCodeExecutor": (
        "agentparts.code_executors.jupyter.JupyterCodeExecutor",
    ),
    "autogen_ext.code_executors.azure.ACADynamicSessionsCodeExecutor": (
        "agentparts.code_executors.sandbox.SandboxedCodeExecutor",
    ),
    "autogen_ext.agents.web_surfer.MultimodalWebSurfer": (
        "no browser agent",
        "agentparts.agents.AssistantAgent",
        "agentparts.tools.mcp.McpWorkbench",
    ),
    "autogen_ext.agents.file_surfer.FileSurfer": ("agentparts.tools.search.SearchTool",),
    "autogen_ext.agents.openai.OpenAIAssistantAgent": (
        "agentparts.models.openai.OpenAIChatCompletionClient",
    ),
    "autogen_ext.agents.video_surfer.VideoSurfer": ("agentparts.agents.AssistantAgent",),
    "autogen_ext.tools.langchain.LangChainToolAdapter": (
        "does not wrap LangChain tools",
        "agentparts.tools.FunctionTool",
    ),
    "autogen_ext.tools.http.HttpTool": ("agentparts.tools.FunctionTool",),
    "autogen_ext.tools.graphrag.GlobalSearchTool": ("agentparts.tools.search.SearchTool",),
    "autogen_ext.tools.azure.AzureAISearchTool": ("agentparts.tools.search.SearchTool",),
    "autogen_ext.tools.mcp.McpSessionActor": ("agentparts.tools.mcp.McpWorkbench",),
    "autogen_ext.memory.chromadb.ChromaDBVectorMemory": ("agentparts.memory.ListMemory",),
    "autogen_ext.cache_store.diskcache.DiskCacheStore": (
        "agentparts.models.cache.DiskStore",
        "'disk_store'",
    ),
    "autogen_ext.cache_store.redis.RedisStore": ("agentparts.models.cache.DiskStore",),
    "autogen_ext.runtimes.grpc.GrpcWorkerAgentRuntime": (
        "issue #21",
        "agentparts.runtimes.ray.RayAgentRuntime",
    ),
    "autogen_ext.models.gemini.SomeFutureClient": ("issue #22",),
}


@pytest.mark.parametrize("provider", sorted(MISSING))
def test_a_missing_autogen_provider_names_what_to_use(provider: str) -> None:
    with pytest.raises(ProviderNotFoundError) as caught:
        ComponentLoader.load_component({"provider": provider, "config": {}})
    assert isinstance(caught.value, ImportError)
    message = str(caught.value)
    assert f"{provider!r} is an AutoGen component that agentparts does not have" in message
    for words in MISSING[provider]:
        assert words in message
    assert "agentparts components list" in message


def test_an_unknown_autogen_name_gets_the_general_advice() -> None:
    provider = "autogen_agentchat.agents.NoSuchAgent"
    assert closest_to_autogen(provider) is None
    with pytest.raises(ProviderNotFoundError, match="agentparts components list"):
        ComponentLoader.load_component({"provider": provider, "config": {}})


def test_the_longest_matching_prefix_wins() -> None:
    docker = closest_to_autogen("autogen_ext.code_executors.docker.DockerCommandLineCodeExecutor")
    jupyter = closest_to_autogen("autogen_ext.code_executors.docker_jupyter.X")
    general = closest_to_autogen("autogen_ext.code_executors.other.X")
    assert docker and jupyter and general
    assert len({docker, jupyter, general}) == 3
    assert closest_to_autogen("autogen_ext.code_executorsX.Y") is None  # whole parts only


def test_advice_is_given_only_when_the_class_is_missing() -> None:
    # autogen_ext.models has advice, yet a client agentparts has still loads.
    assert closest_to_autogen("autogen_ext.models.llama_cpp.LlamaCppChatCompletionClient")
    assert (
        import_provider("autogen_ext.models.llama_cpp.LlamaCppChatCompletionClient")
        is LlamaCppChatCompletionClient
    )


@pytest.mark.parametrize("prefix", sorted(_AUTOGEN_MISSING))
def test_every_piece_of_advice_names_something_that_exists(prefix: str) -> None:
    advice = _AUTOGEN_MISSING[prefix]
    paths = re.findall(r"agentparts(?:\.[A-Za-z_][A-Za-z0-9_]*)+", advice)
    assert paths or re.search(r"issue #\d+", advice), f"{prefix}: names nothing to use"
    assert [p for p in paths if not object_exists(p.rstrip("."))] == []
