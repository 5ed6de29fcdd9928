from __future__ import annotations

import subprocess
import sys


def loaded_after(statement: str, modules: list[str]) -> list[str]:
    code = f"import sys\n{statement}\nprint(','.join(m for m in {modules!r} if m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [m for m in output.stdout.strip().split(",") if m]


def test_models_interface_loads_no_http_client_or_tokenizer() -> None:
    heavy = ["httpx", "openai", "bpe_openai", "PIL", "numpy"]
    assert loaded_after("import agentparts.models", heavy) == []
    assert loaded_after("import agentparts.models.replay, agentparts.models.cache", heavy) == []


def test_openai_client_loads_httpx_but_not_the_sdk_or_tokenizer() -> None:
    statement = "from agentparts.models.openai import OpenAIChatCompletionClient"
    loaded = loaded_after(statement, ["httpx", "openai", "bpe_openai"])
    assert loaded == ["httpx"]


def test_each_provider_client_loads_only_its_own_client() -> None:
    clients = [
        "agentparts.models.openai._client",
        "agentparts.models.openai._azure",
        "agentparts.models.anthropic._client",
        "agentparts.models.ollama._client",
        "agentparts.models.azure._client",
    ]
    ollama = loaded_after(
        "from agentparts.models.ollama import OllamaChatCompletionClient", clients
    )
    assert ollama == ["agentparts.models.ollama._client"]
    anthropic = loaded_after(
        "from agentparts.models.anthropic import AnthropicChatCompletionClient", clients
    )
    assert anthropic == ["agentparts.models.anthropic._client"]
    packages = "import agentparts.models.ollama, agentparts.models.anthropic"
    assert loaded_after(packages, clients) == []  # each name is imported on first use


def test_test_server_loads_no_http_client() -> None:
    assert loaded_after("import agentparts.testing", ["httpx", "openai"]) == []
