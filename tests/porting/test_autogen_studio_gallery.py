"""AutoGen Studio's default gallery loads in agentparts, component by component (issue 19).

data/autogenstudio_default_gallery.json is the gallery AutoGen Studio 0.4.2.2 (the latest on
PyPI) builds on first start, made with AutoGen 0.7.5 (see data/make_autogenstudio_gallery.py).
Each of its 21 components is loaded on its own, as Studio's gallery view does; the tests
assert the exact set that loads, and for each one that does not, the error and why. The same
file is loaded with AutoGen 0.7.5 itself for comparison.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts.errors import CapabilityRefusedError, ProviderNotFoundError, SecretError, ToolError
from agentparts.tools import SourceCodeFunctionTool

from .._autogen import AUTOGEN_PYTHON, needs_autogen

DATA = Path(__file__).parent / "data"
GALLERY = DATA / "autogenstudio_default_gallery.json"

# What each component loads as in agentparts (trusted load, keys in the environment).
LOADS_AS = {
    "agents/AssistantAgent": "AssistantAgent",
    "agents/Verification Assistant": "AssistantAgent",
    "agents/UserProxyAgent": "UserProxyAgent",
    "models/OpenAI GPT-4o Mini": "OpenAIChatCompletionClient",
    "models/Mistral-7B Local": "OpenAIChatCompletionClient",
    "models/Anthropic Claude-3-7": "AnthropicChatCompletionClient",
    "tools/Calculator Tool": "SourceCodeFunctionTool",  # each call runs in the sandbox
    "tools/Image Generation Tool": "SourceCodeFunctionTool",
    "tools/Fetch Webpage Tool": "SourceCodeFunctionTool",
    "tools/Bing Search Tool": "SourceCodeFunctionTool",
    "tools/Google Search Tool": "SourceCodeFunctionTool",
    "tools/Python Code Execution Tool": "PythonCodeExecutionTool",  # keeps its local executor
    "terminations/TextMentionTermination": "TextMentionTermination",
    "terminations/MaxMessageTermination": "MaxMessageTermination",
    "terminations/OR Termination": "OrTerminationCondition",
    "teams/RoundRobin Team": "RoundRobinGroupChat",
    "teams/Selector Team": "SelectorGroupChat",
    "teams/Deep Research Team": "SelectorGroupChat",
}
# Why the others do not load: the error type and words the error must contain.
FAILS_WITH: dict[str, tuple[type[Exception], str]] = {
    # agentparts has no browser agent (no Playwright); the error says so and what to use.
    "agents/Web Surfer Agent": (ProviderNotFoundError, "MultimodalWebSurfer"),
    "teams/Web Agent Team (Operator)": (ProviderNotFoundError, "MultimodalWebSurfer"),
    # Studio saved a literal key, so the file holds AutoGen's mask: AutoGen would send
    # '**********' as the key; agentparts refuses and says where the key goes.
    "models/AzureOpenAI GPT-4o-mini": (SecretError, "masked secret"),
}
# Loaded with untrusted=True, only the tool that runs code on the host is refused.
REFUSED_UNTRUSTED = {"tools/Python Code Execution Tool": "LocalCommandLineCodeExecutor"}
KEYS = {"OPENAI_API_KEY": "sk-from-the-environment", "ANTHROPIC_API_KEY": "sk-ant-from-env"}


def _gallery() -> dict[str, Any]:
    return json.loads(GALLERY.read_text(encoding="utf-8"))


def _items() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{section}/{item['label']}", item)
        for section, items in _gallery()["components"].items()
        for item in items
    ]


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)


async def _close(component: Any) -> None:
    for method in ("close", "stop"):
        if callable(getattr(component, method, None)):
            await getattr(component, method)()
            return


def test_the_gallery_is_studios_default_with_21_components() -> None:
    gallery = _gallery()
    assert gallery["id"] == "gallery_default"
    assert {k: len(v) for k, v in gallery["components"].items()} == {
        "agents": 4,
        "models": 4,
        "tools": 6,
        "terminations": 3,
        "teams": 4,
    }
    labels = [label for label, _ in _items()]
    assert len(labels) == len(set(labels)) == 21
    assert set(labels) == set(LOADS_AS) | set(FAILS_WITH)
    assert not set(LOADS_AS) & set(FAILS_WITH)


@pytest.mark.parametrize(("label", "item"), _items(), ids=[label for label, _ in _items()])
async def test_each_component_loads_or_says_why_not(label: str, item: dict[str, Any]) -> None:
    if label in FAILS_WITH:
        error, words = FAILS_WITH[label]
        with pytest.raises(error, match=words):
            ComponentLoader.load_component(item)
        return
    component: Any = ComponentLoader.load_component(item)
    try:
        assert type(component).__name__ == LOADS_AS[label]
        assert component.dump_component().provider.startswith("agentparts.")
    finally:
        await _close(component)


async def test_exactly_18_of_21_load() -> None:
    loaded: set[str] = set()
    for label, item in _items():
        try:
            component = ComponentLoader.load_component(item)
        except (ProviderNotFoundError, SecretError):
            continue
        loaded.add(label)
        await _close(component)
    assert loaded == set(LOADS_AS)
    assert len(loaded) == 18
    for doc in ("README.md", "docs/porting-from-autogen.md"):
        text = " ".join((Path(__file__).parents[2] / doc).read_text(encoding="utf-8").split())
        assert "18 of the 21 components" in text or "18 of 21 load" in text, doc


async def test_source_code_tools_load_sandboxed_without_running_or_importing_anything() -> None:
    before = set(sys.modules)
    loaded = [
        ComponentLoader.load_component(item)
        for label, item in _items()
        if LOADS_AS.get(label) == "SourceCodeFunctionTool"
    ]
    tools = [tool for tool in loaded if isinstance(tool, SourceCodeFunctionTool)]
    assert len(tools) == len(loaded) == 5
    try:
        assert all(tool.mode == "sandbox" for tool in tools)
        # Their global_imports (html2text, bs4, PIL, httpx...) were not imported to load them.
        assert not {"html2text", "bs4", "PIL"} & (set(sys.modules) - before)
        calculator = next(t for t in tools if t.name == "calculator")
        assert calculator.schema.get("parameters", {}).get("required") == ["a", "b", "operator"]
        result = await calculator.run_json({"a": 2, "b": 3, "operator": "*"}, CancellationToken())
        assert calculator.return_value_as_string(result) == "6.0"
        fetch = next(t for t in tools if t.name == "fetch_webpage")
        # Its packages are not in the sandbox: the call fails there, saying which one.
        with pytest.raises(ToolError, match="html2text"):
            await fetch.run_json({"url": "http://127.0.0.1:9/"}, CancellationToken())
    finally:
        for tool in tools:
            await _close(tool)


async def test_untrusted_loads_refuse_only_the_host_code_tool() -> None:
    allowed_env = [*KEYS, "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"]
    loaded: set[str] = set()
    for label, item in _items():
        if label in FAILS_WITH:
            continue
        if label in REFUSED_UNTRUSTED:
            with pytest.raises(CapabilityRefusedError, match=REFUSED_UNTRUSTED[label]):
                ComponentLoader.load_component(item, untrusted=True, allowed_env=allowed_env)
            continue
        component = ComponentLoader.load_component(item, untrusted=True, allowed_env=allowed_env)
        loaded.add(label)
        await _close(component)
    assert loaded == set(LOADS_AS) - set(REFUSED_UNTRUSTED)


_LOAD_WITH_AUTOGEN = """
import json, sys, warnings
warnings.filterwarnings("ignore")
from autogen_core import ComponentLoader
gallery = json.load(open(sys.argv[1]))
result = {}
for section, items in gallery["components"].items():
    for item in items:
        try:
            ComponentLoader.load_component(item)
            result[section + "/" + item["label"]] = "ok"
        except Exception as error:
            result[section + "/" + item["label"]] = type(error).__name__ + ": " + str(error)
print(json.dumps(result))
"""

# AutoGen 0.7.5 (autogen-ext[openai], the venv scripts/bench builds) lacks these packages.
AUTOGEN_FAILS = {
    "agents/Web Surfer Agent": "playwright",
    "teams/Web Agent Team (Operator)": "playwright",
    "tools/Fetch Webpage Tool": "html2text",
    "tools/Bing Search Tool": "html2text",
    "tools/Google Search Tool": "html2text",
    "teams/Deep Research Team": "html2text",
}


@needs_autogen
def test_autogen_itself_loads_15_of_21() -> None:
    done = subprocess.run(
        [str(AUTOGEN_PYTHON), "-c", _LOAD_WITH_AUTOGEN, str(GALLERY)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"OPENAI_API_KEY": "sk-unused", "ANTHROPIC_API_KEY": "sk-unused", "PATH": ""},
    )
    result: dict[str, str] = json.loads(done.stdout)
    failed = {label: why for label, why in result.items() if why != "ok"}
    assert set(failed) == set(AUTOGEN_FAILS)
    for label, package in AUTOGEN_FAILS.items():
        assert package in failed[label]
    assert len(result) - len(failed) == 15
