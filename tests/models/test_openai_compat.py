"""The OpenAI client as AutoGen's (#19): environment, routing, model names, config models.

Every request goes to a real local ``OpenAITestServer``; the provider routes are pointed
at it where a request must arrive (the route table is data, replaced for the test).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentparts import ComponentLoader
from agentparts._capabilities import inspect_model
from agentparts._component_model import ComponentModel
from agentparts.errors import ModelAuthenticationError
from agentparts.models import ChatCompletionClient, UserMessage
from agentparts.models.openai import (
    BaseOpenAIChatCompletionClient,
    BaseOpenAIClientConfigurationConfigModel,
    CreateArgumentsConfigModel,
    OpenAIChatCompletionClient,
    OpenAIClientConfig,
    OpenAIClientConfigurationConfigModel,
)
from agentparts.models.openai import _model_info as table
from agentparts.testing import OpenAITestServer

DATA = Path(__file__).parents[1] / "porting" / "data"
HELLO = [UserMessage(content="hello", source="user")]
VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "GEMINI_API_KEY",
    "ANTHROPIC_API_KEY",
    "LLAMA_API_KEY",
    "AGENTPARTS_ALLOWED_ENV",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _route_to(monkeypatch: pytest.MonkeyPatch, server: OpenAITestServer) -> None:
    """Point every provider route at the test server (same prefixes and key variables)."""
    routes = tuple(
        table.ProviderRoute(r.prefix, r.provider, server.base_url, r.key_variable)
        for r in table.ROUTES
    )
    monkeypatch.setattr(table, "ROUTES", routes)


def _autogen(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# --- names -------------------------------------------------------------------------------


def test_autogen_config_models_exist_in_autogens_layers() -> None:
    assert OpenAIClientConfig is OpenAIClientConfigurationConfigModel
    assert issubclass(
        OpenAIClientConfigurationConfigModel, BaseOpenAIClientConfigurationConfigModel
    )
    assert issubclass(BaseOpenAIClientConfigurationConfigModel, CreateArgumentsConfigModel)
    assert issubclass(OpenAIChatCompletionClient, BaseOpenAIChatCompletionClient)
    assert issubclass(BaseOpenAIChatCompletionClient, ChatCompletionClient)
    assert {"organization", "base_url"} <= set(OpenAIClientConfigurationConfigModel.model_fields)
    assert "base_url" not in BaseOpenAIClientConfigurationConfigModel.model_fields
    assert {"temperature", "seed", "stop"} <= set(CreateArgumentsConfigModel.model_fields)


# --- the openai SDK's environment variables ----------------------------------------------


async def test_openai_base_url_is_honoured(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    client = OpenAIChatCompletionClient("gpt-4o")
    try:
        result = await client.create(HELLO)
    finally:
        await client.close()
    assert result.content == "hello"
    assert client.base_url == server.base_url
    assert len(server.requests) == 1
    assert server.last_request.headers["authorization"] == "Bearer sk-env"
    saved = client.dump_component().config
    assert saved.get("base_url") is None  # read again from the variable when loaded


async def test_explicit_base_url_wins_over_openai_base_url(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    client = OpenAIChatCompletionClient("gpt-4o", base_url=server.base_url, api_key="k")
    try:
        await client.create(HELLO)
    finally:
        await client.close()
    assert len(server.requests) == 1


def test_openai_base_url_alone_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    client = OpenAIChatCompletionClient("gpt-4o")
    assert client.base_url == "http://127.0.0.1:9/v1"
    monkeypatch.delenv("OPENAI_BASE_URL")
    with pytest.raises(ModelAuthenticationError, match="OPENAI_API_KEY"):
        OpenAIChatCompletionClient("gpt-4o")


async def test_organization_and_project_headers(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    from_env = OpenAIChatCompletionClient("gpt-4o", base_url=server.base_url)
    given = OpenAIChatCompletionClient(
        "gpt-4o", base_url=server.base_url, organization="org-given", project="proj-given"
    )
    try:
        await from_env.create(HELLO)
        first = server.last_request.headers
        await given.create(HELLO)
        second = server.last_request.headers
    finally:
        await from_env.close()
        await given.close()
    assert (first["openai-organization"], first["openai-project"]) == ("org-env", "proj-env")
    assert (second["openai-organization"], second["openai-project"]) == (
        "org-given",
        "proj-given",
    )
    saved = from_env.dump_component().config
    assert saved.get("organization") is None and saved.get("project") is None
    assert given.dump_component().config["project"] == "proj-given"


# --- model names and provider routes -----------------------------------------------------


def test_every_model_autogen_knows_has_autogens_info() -> None:
    data = _autogen("autogen075_openai_model_info.json")
    assert len(data["models"]) > 70
    for name, theirs in data["models"].items():
        ours = table.lookup_model(name)
        assert ours is not None, name
        for key, value in theirs["model_info"].items():
            assert ours.get(key) == value, (name, key)
        assert ours.get("context_window") == theirs["context_window"], name
    ours_routes = {r.prefix: r.base_url for r in table.ROUTES}
    assert {p: u.rstrip("/") for p, u in data["routes"].items()} == ours_routes


def test_dated_variants_of_known_names_still_resolve() -> None:
    info = table.lookup_model("gpt-4o-mini-2025-01-01")
    assert info is not None and info["family"] == "gpt-4o"
    assert table.lookup_model("gpt-4o-minis") is None


@pytest.mark.parametrize(
    ("model", "variable", "url"),
    [
        (
            "gemini-2.0-flash",
            "GEMINI_API_KEY",
            "https://generativelanguage.googleapis.com/v1beta/openai",
        ),
        ("claude-3-5-sonnet", "ANTHROPIC_API_KEY", "https://api.anthropic.com/v1"),
        ("Llama-4-Scout-17B-16E-Instruct-FP8", "LLAMA_API_KEY", "https://api.llama.com/compat/v1"),
    ],
)
def test_routed_models_go_to_their_provider_with_its_key(
    monkeypatch: pytest.MonkeyPatch, model: str, variable: str, url: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # not for other providers
    monkeypatch.setenv("OPENAI_ORG_ID", "org-openai")
    with pytest.raises(ModelAuthenticationError, match=variable):
        OpenAIChatCompletionClient(model)  # never OpenAI's key to another provider
    monkeypatch.setenv(variable, "provider-key")
    client = OpenAIChatCompletionClient(model)
    assert client.base_url == url
    assert client._headers["authorization"] == "Bearer provider-key"  # pyright: ignore[reportPrivateUsage]
    assert "openai-organization" not in client._headers  # pyright: ignore[reportPrivateUsage]
    capabilities = OpenAIChatCompletionClient._capabilities(  # pyright: ignore[reportPrivateUsage]
        OpenAIClientConfig(model=model)
    )
    assert [(c.kind, c.target) for c in capabilities] == [("network", url), ("env", variable)]


async def test_gemini_request_carries_the_gemini_key_and_round_trips(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _route_to(monkeypatch, server)
    monkeypatch.setenv("GEMINI_API_KEY", "gm-key")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    client = OpenAIChatCompletionClient("gemini-2.0-flash")
    saved = client.dump_component()
    loaded = OpenAIChatCompletionClient.load_component(saved)
    try:
        await client.create(HELLO)
        await loaded.create(HELLO)
    finally:
        await client.close()
        await loaded.close()
    assert [r.headers["authorization"] for r in server.requests] == ["Bearer gm-key"] * 2
    assert [r.body["model"] for r in server.requests] == ["gemini-2.0-flash"] * 2
    assert saved.config.get("api_key") is None
    assert "gm-key" not in saved.model_dump_json()
    assert loaded.model_info.get("multiple_system_messages") is False


def test_gemini_key_only_goes_to_google(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gm-key")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    client = OpenAIChatCompletionClient("gemini-2.0-flash", base_url="http://127.0.0.1:9/v1")
    assert client._headers["authorization"] == "Bearer sk-openai"  # pyright: ignore[reportPrivateUsage]


def test_untrusted_load_refuses_an_unallowed_provider_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gm-key")
    config = _autogen("autogen075_openai_gemini.json")
    with pytest.raises(Exception, match="GEMINI_API_KEY"):
        ComponentLoader.load_component(config, untrusted=True)
    client = ComponentLoader.load_component(config, untrusted=True, allowed_env=["GEMINI_API_KEY"])
    assert isinstance(client, OpenAIChatCompletionClient)


def test_an_env_reference_to_a_provider_key_needs_permission(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gm-key")
    config = {
        "provider": "agentparts.models.openai.OpenAIChatCompletionClient",
        "config": {
            "model": "gpt-4o",
            "base_url": "http://127.0.0.1:9/v1",
            "api_key": {"$env": "GEMINI_API_KEY"},
        },
    }
    with pytest.raises(Exception, match="GEMINI_API_KEY"):
        ComponentLoader.load_component(config)
    kinds = {(c.kind, c.target) for c in inspect_model(ComponentModel.model_validate(config))}
    assert ("env", "GEMINI_API_KEY") in kinds


# --- AutoGen 0.7.5's own dumps -----------------------------------------------------------


@pytest.mark.parametrize("name", ["openai", "gemini", "claude", "llama_api", "compatible"])
def test_autogen_openai_dumps_load(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    for variable in ("OPENAI_API_KEY", "GEMINI_API_KEY", "ANTHROPIC_API_KEY", "LLAMA_API_KEY"):
        monkeypatch.setenv(variable, "key")
    config = _autogen(f"autogen075_openai_{name}.json")
    client = ComponentLoader.load_component(config)
    assert isinstance(client, OpenAIChatCompletionClient)
    assert client.model == config["config"]["model"]
    routes = _autogen("autogen075_openai_model_info.json")["routes"]
    expected = next(
        (url for prefix, url in routes.items() if client.model.startswith(prefix)),
        config["config"].get("base_url", "https://api.openai.com/v1"),
    )
    assert client.base_url == expected.rstrip("/")


async def test_autogen_compatible_dump_answers(server: OpenAITestServer) -> None:
    config = _autogen("autogen075_openai_compatible.json")
    config["config"]["base_url"] = server.base_url
    client = ComponentLoader.load_component(config, OpenAIChatCompletionClient)
    try:
        await client.create(HELLO)
    finally:
        await client.close()
    assert "name" not in server.last_request.body["messages"][0]  # include_name_in_message


async def test_autogen_openai_dump_keeps_its_request_fields(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "key")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    client = ComponentLoader.load_component(
        _autogen("autogen075_openai_openai.json"), OpenAIChatCompletionClient
    )
    try:
        await client.create(HELLO)
    finally:
        await client.close()
    body, headers = server.last_request.body, server.last_request.headers
    assert (body["seed"], body["temperature"], headers["openai-organization"]) == (
        7,
        0.2,
        "org-example",
    )
