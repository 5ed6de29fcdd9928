"""AutoGen's ``autogen_ext.models.*.config`` modules exist after the rename (#19).

Their names and fields are compared with AutoGen 0.7.5's own modules (read in AutoGen's
venv); a third-party client written against ``agentparts.models.openai.config`` runs
against a real local ``OpenAITestServer``; importing the OpenAI config module does not
load the client.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Required, Self, get_origin

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import Unpack, is_typeddict

from agentparts import ComponentLoader
from agentparts.models import ModelFamily, ModelInfo, UserMessage
from agentparts.models.anthropic import AnthropicChatCompletionClient
from agentparts.models.anthropic import config as anthropic_config
from agentparts.models.azure import AzureAIChatCompletionClient
from agentparts.models.azure import config as azure_config
from agentparts.models.ollama import OllamaChatCompletionClient
from agentparts.models.ollama import config as ollama_config
from agentparts.models.openai import (
    AzureOpenAIChatCompletionClient,
    OpenAIChatCompletionClient,
)
from agentparts.models.openai import config as openai_config
from agentparts.models.openai.config import (
    AzureOpenAIClientConfiguration,
    CreateArgumentsConfigModel,
    OpenAIClientConfiguration,
    OpenAIClientConfigurationConfigModel,
    ResponseFormat,
)
from agentparts.testing import AnthropicTestServer, OpenAITestServer, ScriptedReply

from .._autogen import AUTOGEN_PYTHON

ROOT = Path(__file__).parents[2]
LIST_NAMES = ROOT / "tests" / "porting" / "data" / "list_autogen075_names.py"
PROVIDERS = ("anthropic", "azure", "ollama", "openai")
HELLO = [UserMessage(content="hello", source="user")]

# Deliberate differences, each checked by its own test below.
NOT_AUTOGENS_FIELDS = {
    # Bedrock cannot run in agentparts: its config takes any field, only to say why.
    ("anthropic", "AnthropicBedrockClientConfigurationConfigModel"),
}

# Describes a config module's public names in terms both Pythons can print as JSON.
_DESCRIBE = """
import importlib, json, sys, typing
from pydantic import BaseModel
from typing_extensions import is_typeddict

def describe(value):
    if is_typeddict(value):
        return {"kind": "typeddict", "required": sorted(value.__required_keys__),
                "optional": sorted(value.__optional_keys__)}
    if isinstance(value, type) and issubclass(value, BaseModel):
        fields = {}
        for name, info in value.model_fields.items():
            fields[name] = {"required": info.is_required(),
                            "default": None if info.is_required() else repr(info.default)}
        return {"kind": "model", "fields": fields}
    if isinstance(value, (str, int, float)):
        return {"kind": "constant", "value": value}
    return {"kind": "alias", "origin": repr(typing.get_origin(value))}

names = json.loads(sys.argv[1])
out = {}
for module, public in names.items():
    found = importlib.import_module(module)
    out[module] = {name: describe(getattr(found, name)) for name in public}
print(json.dumps(out))
"""


def _describe_here(module: str, names: list[str]) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(_DESCRIBE.split("names = ")[0], namespace)  # the describe() above, in this Python
    found = importlib.import_module(module)
    return {name: namespace["describe"](getattr(found, name)) for name in names}


@pytest.fixture(scope="module")
def autogen() -> dict[str, dict[str, Any]]:
    if not AUTOGEN_PYTHON.exists():
        pytest.skip("AutoGen venv not built (scripts/bench)")
    modules = [f"autogen_ext.models.{p}.config" for p in PROVIDERS]
    listed = subprocess.run(
        [str(AUTOGEN_PYTHON), str(LIST_NAMES), *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    described = subprocess.run(
        [str(AUTOGEN_PYTHON), "-c", _DESCRIBE, listed.stdout],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(described.stdout)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_config_module_has_autogens_names_with_autogens_fields(
    provider: str, autogen: dict[str, dict[str, Any]]
) -> None:
    theirs = autogen[f"autogen_ext.models.{provider}.config"]
    module = f"agentparts.models.{provider}.config"
    exported: list[str] = importlib.import_module(module).__all__
    assert sorted(exported) == sorted(theirs), f"{module}.__all__ is not AutoGen's names"
    ours = _describe_here(module, sorted(theirs))
    for name, their in theirs.items():
        mine = ours[name]
        where = f"{module}.{name}"
        assert mine["kind"] == their["kind"], f"{where} is a {mine['kind']}, AutoGen's a ..."
        if (provider, name) in NOT_AUTOGENS_FIELDS:
            continue
        if their["kind"] == "typeddict":
            assert mine == their, f"{where}: keys differ from AutoGen's"
        elif their["kind"] == "model":
            defined_here = getattr(importlib.import_module(module), name).__module__ == module
            for field, spec in their["fields"].items():
                assert field in mine["fields"], f"{where} lacks AutoGen's field {field!r}"
                got = mine["fields"][field]
                assert got["required"] == spec["required"], f"{where}.{field}: required?"
                if defined_here:  # agentparts' own config classes keep their own defaults
                    assert got["default"] == spec["default"], f"{where}.{field}: default"
        else:
            assert mine == their, where


def test_the_config_classes_are_the_clients_own() -> None:
    assert (
        OpenAIChatCompletionClient.component_config_schema
        is openai_config.OpenAIClientConfigurationConfigModel
    )
    assert issubclass(
        openai_config.OpenAIClientConfigurationConfigModel,
        openai_config.BaseOpenAIClientConfigurationConfigModel,
    )
    assert issubclass(
        openai_config.BaseOpenAIClientConfigurationConfigModel,
        openai_config.CreateArgumentsConfigModel,
    )
    assert (
        AzureOpenAIChatCompletionClient.component_config_schema
        is openai_config.AzureOpenAIClientConfigurationConfigModel
    )
    assert (
        AnthropicChatCompletionClient.component_config_schema
        is anthropic_config.AnthropicClientConfigurationConfigModel
    )
    assert (
        OllamaChatCompletionClient.component_config_schema
        is ollama_config.BaseOllamaClientConfigurationConfigModel
    )
    from agentparts.models.anthropic import AnthropicBedrockChatCompletionClient
    from agentparts.models.azure._client import GITHUB_MODELS_ENDPOINT

    assert (
        AnthropicBedrockChatCompletionClient.component_config_schema
        is anthropic_config.AnthropicBedrockClientConfigurationConfigModel
    )
    assert azure_config.GITHUB_MODELS_ENDPOINT == GITHUB_MODELS_ENDPOINT
    assert AzureAIChatCompletionClient.__name__ in dir(
        importlib.import_module("agentparts.models.azure")
    )


def test_importing_the_openai_config_module_does_not_load_the_client() -> None:
    script = (
        "import sys, agentparts.models.openai.config as c\n"
        "before = sorted(m for m in sys.modules if m.startswith('agentparts.models.openai.'))\n"
        "c.AzureOpenAIClientConfigurationConfigModel\n"
        "config = 'agentparts.models.openai._azure_config' in sys.modules\n"
        "client = 'agentparts.models.openai._azure' in sys.modules\n"
        "print(before, config, client)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "['agentparts.models.openai._config',",
        "'agentparts.models.openai.config']",
        "True",
        "False",
    ]


def test_typeddicts_validate_autogen_shaped_arguments() -> None:
    arguments = TypeAdapter(OpenAIClientConfiguration).validate_python(
        {
            "model": "gemini-2.0-flash",
            "temperature": 0.2,
            "response_format": {"type": "json_object", "json_schema": None},
            "stream_options": {"include_usage": True},
            "reasoning_effort": "low",
        }
    )
    assert arguments.get("temperature") == 0.2
    with pytest.raises(ValidationError):
        TypeAdapter(OpenAIClientConfiguration).validate_python(
            {"model": "m", "reasoning_effort": "extreme"}
        )
    assert AzureOpenAIClientConfiguration.__required_keys__ == {"azure_endpoint", "api_version"}
    with pytest.raises(ValidationError):  # AutoGen's required keys are required here too
        TypeAdapter(AzureOpenAIClientConfiguration).validate_python({"model": "m"})
    thinking = TypeAdapter(anthropic_config.CreateArguments).validate_python(
        {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    )
    assert thinking.get("thinking") == {"type": "enabled", "budget_tokens": 1024}


def test_autogens_lower_anthropic_and_ollama_layers_keep_autogens_defaults() -> None:
    create = anthropic_config.CreateArgumentsConfigModel(model="claude-sonnet-4-20250514")
    assert (create.max_tokens, create.temperature) == (4096, 1.0)
    base = anthropic_config.BaseAnthropicClientConfigurationConfigModel.model_validate(
        {"model": "claude-sonnet-4-20250514", "api_key": "sk-ant", "thinking": {"type": "enabled"}}
    )
    assert isinstance(base.thinking, anthropic_config.ThinkingConfigModel)
    assert "sk-ant" not in base.model_dump_json()
    # Their fields load into the client's own config, which the client is saved with.
    saved = anthropic_config.AnthropicClientConfigurationConfigModel.model_validate(
        base.model_dump(exclude_none=True)
    )
    assert saved.max_tokens == 4096 and saved.thinking is not None
    ollama = ollama_config.CreateArgumentsConfigModel(model="llama3.2")
    assert (
        ollama_config.BaseOllamaClientConfigurationConfigModel.model_validate(
            ollama.model_dump(exclude_none=True)
        ).model
        == "llama3.2"
    )


def test_bedrock_config_loads_only_to_say_why_it_cannot_run() -> None:
    bedrock = anthropic_config.AnthropicBedrockClientConfigurationConfigModel.model_validate(
        {"model": "anthropic.claude-3", "bedrock_info": {"aws_region": "us-east-1"}}
    )
    from agentparts.models.anthropic import AnthropicBedrockChatCompletionClient

    with pytest.raises(NotImplementedError, match="Bedrock"):
        AnthropicBedrockChatCompletionClient._from_config(bedrock)  # pyright: ignore[reportPrivateUsage]


# --- a third-party client written against the config module -------------------------------


class GeminiLikeClientConfiguration(OpenAIClientConfiguration, total=False):
    thinking_budget: int
    region: Required[str]


class GeminiLikeClientConfigurationConfigModel(OpenAIClientConfigurationConfigModel):
    thinking_budget: int | None = None
    region: str


PROVIDER_URL = "http://127.0.0.1:9/v1"  # the server fixture points it at the test server


class GeminiLikeChatCompletionClient(OpenAIChatCompletionClient):
    """The shape of the Gemini/Groq/Together extensions: AutoGen's config types, the
    provider's defaults filled in, its own config model and provider string."""

    component_type = "model"
    component_config_schema = GeminiLikeClientConfigurationConfigModel
    component_provider_override = f"{__name__}.GeminiLikeChatCompletionClient"

    def __init__(self, **kwargs: Unpack[GeminiLikeClientConfiguration]) -> None:
        self._raw_config: dict[str, Any] = dict(kwargs)
        options: dict[str, Any] = dict(kwargs)
        region = options.pop("region")
        options.pop("thinking_budget", None)
        if "base_url" not in options:
            options["base_url"] = PROVIDER_URL
        if "model_info" not in options:
            options["model_info"] = ModelInfo(
                vision=True,
                function_calling=True,
                json_output=True,
                family=ModelFamily.GEMINI_2_0_FLASH,
                structured_output=True,
            )
        # AutoGen's clients validate their request defaults with CreateArgumentsConfigModel.
        defaults = CreateArgumentsConfigModel.model_validate(
            {k: v for k, v in options.items() if k in CreateArgumentsConfigModel.model_fields}
        )
        options.update(defaults.model_dump(exclude_none=True))
        options["default_headers"] = {"x-region": region}
        super().__init__(**options)

    def _to_config(self) -> GeminiLikeClientConfigurationConfigModel:
        return GeminiLikeClientConfigurationConfigModel(**self._raw_config)

    @classmethod
    def _from_config(cls, config: Any) -> Self:
        return cls(**config.model_dump(exclude_none=True))


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> Any:
    async with OpenAITestServer(default_reply=ScriptedReply(content="hi")) as test_server:
        monkeypatch.setattr(f"{__name__}.PROVIDER_URL", test_server.base_url)
        monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
        yield test_server


async def test_third_party_client_on_the_config_module_runs_and_round_trips(
    server: OpenAITestServer,
) -> None:
    client = GeminiLikeChatCompletionClient(
        model="gemini-like-pro",
        api_key="g-key",
        region="eu",
        thinking_budget=512,
        temperature=0.3,
        response_format=ResponseFormat(type="json_object", json_schema=None),
    )
    saved = client.dump_component()
    assert saved.provider == f"{__name__}.GeminiLikeChatCompletionClient"
    assert saved.config["thinking_budget"] == 512 and saved.config["region"] == "eu"
    assert "g-key" not in saved.model_dump_json()
    loaded = ComponentLoader.load_component(saved, allowed_providers=[saved.provider])
    assert isinstance(loaded, GeminiLikeChatCompletionClient)
    try:
        for each in (client, loaded):
            result = await each.create(HELLO)
            assert result.content == "hi"
    finally:
        await client.close()
        await loaded.close()
    for request in server.requests:
        assert request.body["model"] == "gemini-like-pro"
        assert request.body["temperature"] == 0.3
        assert request.body["response_format"]["type"] == "json_object"
        assert request.headers["authorization"] == "Bearer g-key"
        assert request.headers["x-region"] == "eu"
        assert "thinking_budget" not in request.body and "region" not in request.body
    assert len(server.requests) == 2


def test_third_party_config_is_validated_as_autogens_models() -> None:
    with pytest.raises(ValidationError, match="temperature"):
        GeminiLikeChatCompletionClient(model="m", region="eu", temperature="hot")  # pyright: ignore[reportArgumentType]
    with pytest.raises(ValidationError, match="region"):
        GeminiLikeClientConfigurationConfigModel.model_validate({"model": "m"})


async def test_azure_typeddict_builds_an_azure_client(server: OpenAITestServer) -> None:
    arguments = AzureOpenAIClientConfiguration(
        model="gpt-4o",
        azure_endpoint=server.azure_endpoint,
        azure_deployment="chat",
        api_version="2024-06-01",
        api_key="az-key",
    )
    client = AzureOpenAIChatCompletionClient(**arguments)
    try:
        assert (await client.create(HELLO)).content == "hi"
    finally:
        await client.close()
    request = server.last_request
    assert request.path == "/openai/deployments/chat/chat/completions?api-version=2024-06-01"
    assert request.headers["api-key"] == "az-key"
    saved = client.dump_component().config
    assert openai_config.AzureOpenAIClientConfigurationConfigModel.model_validate(saved)
    assert get_origin(openai_config.AsyncAzureADTokenProvider) is not None
    assert is_typeddict(openai_config.JSONSchema)
    assert issubclass(anthropic_config.ThinkingConfigModel, BaseModel)


async def test_azure_ai_typeddict_builds_an_azure_ai_client(server: OpenAITestServer) -> None:
    arguments = azure_config.AzureAIChatCompletionClientConfig(
        endpoint=server.base_url,
        credential="ai-key",
        model="Phi-4",
        temperature=0.4,
        model_info=ModelInfo(
            vision=False,
            function_calling=True,
            json_output=True,
            family="unknown",
            structured_output=False,
        ),
    )
    options: dict[str, Any] = dict(arguments)  # every key is optional in AutoGen's TypedDict
    client = AzureAIChatCompletionClient(**options)
    try:
        assert (await client.create(HELLO)).content == "hi"
    finally:
        await client.close()
    request = server.last_request
    assert request.path.startswith("/v1/chat/completions?api-version=")
    assert request.body["model"] == "Phi-4" and request.body["temperature"] == 0.4
    assert request.headers["authorization"] == "Bearer ai-key"


class ClaudeLikeConfigModel(anthropic_config.BaseAnthropicClientConfigurationConfigModel):
    workspace: str | None = None


class ClaudeLikeChatCompletionClient(AnthropicChatCompletionClient):
    """A client whose config builds on AutoGen's lower Anthropic layer."""

    component_config_schema = ClaudeLikeConfigModel
    component_provider_override = f"{__name__}.ClaudeLikeChatCompletionClient"

    def __init__(self, workspace: str | None = None, **kwargs: Any) -> None:
        self.workspace = workspace
        super().__init__(**kwargs)


async def test_autogens_anthropic_layer_configures_the_client() -> None:
    async with AnthropicTestServer(["Hi from Claude."]) as server:
        config = ClaudeLikeConfigModel.model_validate(
            {
                "model": "claude-like",
                "api_key": "sk-ant",
                "base_url": server.base_url,
                "workspace": "w1",
                "model_info": {
                    "vision": False,
                    "function_calling": True,
                    "json_output": True,
                    "family": "unknown",
                    "structured_output": False,
                },
            }
        )
        client = ClaudeLikeChatCompletionClient._from_config(config)  # pyright: ignore[reportPrivateUsage, reportArgumentType]
        try:
            assert (await client.create(HELLO)).content == "Hi from Claude."
        finally:
            await client.close()
    assert client.workspace == "w1"
    body = server.last_request.body
    # AutoGen's defaults of this layer reach the request.
    assert (body["max_tokens"], body["temperature"]) == (4096, 1.0)
    assert server.last_request.headers["x-api-key"] == "sk-ant"
