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
    loaded = loaded_after("import agentparts.models.openai", ["httpx", "openai", "bpe_openai"])
    assert loaded == ["httpx"]


def test_test_server_loads_no_http_client() -> None:
    assert loaded_after("import agentparts.testing", ["httpx", "openai"]) == []
