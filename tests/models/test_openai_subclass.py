"""Third-party clients written against AutoGen's OpenAI client port by the rename (#19).

The three clients below follow the shapes real AutoGen extensions use (provider clients
that fill in ``model_info`` and ``base_url`` when absent, a client with its own config
model and provider string, and one built on ``BaseOpenAIChatCompletionClient`` from an
SDK client object); only their imports were renamed. They run against a real local
``OpenAITestServer``.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest

from agentparts import ComponentLoader
from agentparts.models import ModelFamily, ModelInfo, UserMessage
from agentparts.models.openai import (
    BaseOpenAIChatCompletionClient,
    OpenAIChatCompletionClient,
    OpenAIClientConfigurationConfigModel,
)
from agentparts.testing import OpenAITestServer

HELLO = [UserMessage(content="hello", source="user")]
PROVIDER_URL = "http://127.0.0.1:9/v1"  # the test points it at its server
RECEIVED: list[dict[str, Any]] = []


def _provider_info(model: str) -> ModelInfo:
    return ModelInfo(
        vision=False,
        function_calling=True,
        json_output=True,
        family=ModelFamily.UNKNOWN,
        structured_output=model.endswith("-pro"),
    )


class ProviderChatCompletionClient(OpenAIChatCompletionClient):
    """Like the Gemini/Groq/Together extensions: fills in what the caller left out."""

    def __init__(self, **kwargs: Any) -> None:
        RECEIVED.append(dict(kwargs))
        if "model" not in kwargs:
            raise ValueError("model is required")
        if "model_info" not in kwargs:
            kwargs["model_info"] = _provider_info(kwargs["model"])
        if "base_url" not in kwargs:
            kwargs["base_url"] = PROVIDER_URL
        super().__init__(**kwargs)


class GatewayClientConfigurationConfigModel(OpenAIClientConfigurationConfigModel):
    api_version: str | None = None


class GatewayChatCompletionClient(OpenAIChatCompletionClient):
    """Like clients that add config fields of their own and save under their own name."""

    component_type = "model"
    component_config_schema = GatewayClientConfigurationConfigModel
    component_provider_override = f"{__name__}.GatewayChatCompletionClient"

    def __init__(self, **kwargs: Any) -> None:
        if "api_key" not in kwargs:
            kwargs["api_key"] = os.environ.get("GATEWAY_API_KEY")
        if "base_url" not in kwargs:
            kwargs["base_url"] = PROVIDER_URL
        if "model_info" not in kwargs:
            kwargs["model_info"] = _provider_info(kwargs["model"])
        self.api_version = kwargs.get("api_version")
        super().__init__(**kwargs)


class SdkStyleClient(BaseOpenAIChatCompletionClient):
    """Like clients that build an openai SDK client and hand it to the base class."""

    def __init__(self, model: str, sdk_client: Any) -> None:
        super().__init__(
            client=sdk_client,
            create_args={"model": model, "temperature": 0.1},
            model_info=_provider_info(model),
        )


@pytest.fixture(autouse=True)
def provider_url(server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.PROVIDER_URL", server.base_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    RECEIVED.clear()


async def test_provider_client_runs_and_round_trips(server: OpenAITestServer) -> None:
    client = ProviderChatCompletionClient(model="gem-pro", api_key="pk", temperature=0.5)
    assert client.model_info["structured_output"] is True
    with pytest.warns(UserWarning, match="loads back as OpenAIChatCompletionClient"):
        saved = client.dump_component()
    # As in AutoGen, a subclass without its own provider string saves as its parent ...
    assert saved.provider == "agentparts.models.openai.OpenAIChatCompletionClient"
    as_parent = ComponentLoader.load_component(saved, OpenAIChatCompletionClient)
    # ... and rebuilds itself from the same config through _from_config.
    config = ProviderChatCompletionClient.component_config_schema.model_validate(saved.config)
    again = ProviderChatCompletionClient._from_config(config)  # pyright: ignore[reportPrivateUsage]
    try:
        for each in (client, as_parent, again):
            await each.create(HELLO)
    finally:
        for each in (client, as_parent, again):
            await each.close()
    assert isinstance(again, ProviderChatCompletionClient)
    assert [r.body["temperature"] for r in server.requests] == [0.5] * 3
    assert [r.headers["authorization"] for r in server.requests] == ["Bearer pk"] * 3
    assert "pk" not in saved.model_dump_json()


def test_loading_passes_only_the_fields_a_config_sets() -> None:
    data = {"model": "gem-flash", "api_key": "pk", "model_info": None, "seed": None}
    config = ProviderChatCompletionClient.component_config_schema.model_validate(data)
    client = ProviderChatCompletionClient._from_config(config)  # pyright: ignore[reportPrivateUsage]
    assert isinstance(client, ProviderChatCompletionClient)
    assert set(RECEIVED[-1]) == {"model", "api_key"}
    assert client.model_info["structured_output"] is False  # the subclass's own info


async def test_client_with_its_own_config_model(
    server: OpenAITestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWAY_API_KEY", "gw-key")
    client = GatewayChatCompletionClient(model="gw-model", api_version="2025-01")
    saved = client.dump_component()
    assert saved.provider == f"{__name__}.GatewayChatCompletionClient"
    assert saved.config["api_version"] == "2025-01"
    loaded = ComponentLoader.load_component(saved, allowed_providers=[saved.provider])
    assert isinstance(loaded, GatewayChatCompletionClient)
    assert loaded.api_version == "2025-01"
    try:
        await loaded.create(HELLO)
    finally:
        await client.close()
        await loaded.close()
    assert "api_version" not in server.last_request.body  # a config field, never sent
    assert server.last_request.headers["authorization"] == "Bearer gw-key"


def test_unknown_arguments_are_still_refused() -> None:
    with pytest.raises(TypeError, match="api_versoin"):
        GatewayChatCompletionClient(model="gw-model", api_versoin="typo")
    with pytest.raises(TypeError, match="api_version"):
        ProviderChatCompletionClient(model="gem-pro", api_version="2025-01")


async def test_base_client_reads_an_sdk_client_s_settings(server: OpenAITestServer) -> None:
    sdk_client = SimpleNamespace(
        base_url=server.base_url + "/",
        api_key="sdk-key",
        organization="org-sdk",
        project=None,
        max_retries=1,
        timeout=None,
    )
    client = SdkStyleClient("sdk-model", sdk_client)
    try:
        result = await client.create(HELLO)
    finally:
        await client.close()
    assert result.content == "hello"
    request = server.last_request
    assert request.headers["authorization"] == "Bearer sdk-key"
    assert request.headers["openai-organization"] == "org-sdk"
    assert (request.body["model"], request.body["temperature"]) == ("sdk-model", 0.1)


def test_base_client_needs_a_model() -> None:
    with pytest.raises(ValueError, match="model"):
        BaseOpenAIChatCompletionClient(SimpleNamespace(base_url=PROVIDER_URL), create_args={})
