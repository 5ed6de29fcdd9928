"""Secrets and copies in nested configs: the fast paths of dump and load keep the rules.

``dump_component`` encodes fields that hold nested ``ComponentModel`` s itself (not through
Pydantic), and ``load_component`` walks a config guided by per-schema shapes; these tests
pin that both do what the plain walk did: every secret encoded at every depth, masks
refused with their full path, and no dict shared with the caller or with a kept model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, field_serializer

from agentparts import Component, ComponentBase, ComponentModel, EnvSecretStr
from agentparts.errors import SecretError


class KitConfig(BaseModel):
    name: str
    parts: list[ComponentModel] = []
    child: ComponentModel | None = None
    extra: dict[str, Any] = {}
    env: dict[str, SecretStr] = {}


class Kit(ComponentBase[KitConfig], Component[KitConfig]):
    """A component that keeps the saved forms it is given (as some components do)."""

    component_type = "kit"
    component_config_schema = KitConfig
    component_provider_override = "tests.core.test_nested_secrets.Kit"

    def __init__(self, config: KitConfig) -> None:
        self.config = config

    def _to_config(self) -> KitConfig:
        return self.config

    @classmethod
    def _from_config(cls, config: KitConfig) -> Kit:
        return cls(config)


class TrimmedConfig(BaseModel):
    child: ComponentModel

    @field_serializer("child")
    def _trim(self, child: ComponentModel) -> dict[str, Any]:
        return {"provider": child.provider, "config": {"trimmed": True}}


class Trimmed(ComponentBase[TrimmedConfig], Component[TrimmedConfig]):
    component_type = "kit"
    component_config_schema = TrimmedConfig
    component_provider_override = "tests.core.test_nested_secrets.Trimmed"

    def __init__(self, child: ComponentModel) -> None:
        self.child = child

    def _to_config(self) -> TrimmedConfig:
        return TrimmedConfig(child=self.child)

    @classmethod
    def _from_config(cls, config: TrimmedConfig) -> Trimmed:
        return cls(config.child)


def _hand_made_part() -> ComponentModel:
    return ComponentModel(
        provider="tests.core.test_nested_secrets.Kit",
        component_type="kit",
        config={
            "name": "part",
            "extra": {
                "key": EnvSecretStr("from-env", "KIT_KEY"),
                "plain": SecretStr("in-code"),
                "where": Path("/srv/data"),
                "deep": {"keys": [SecretStr("deeper")]},
            },
        },
    )


@pytest.mark.parametrize("include", [False, True])
def test_hand_made_nested_models_are_encoded_at_every_depth(include: bool) -> None:
    kit = Kit(KitConfig(name="kit", parts=[_hand_made_part()], child=_hand_made_part()))
    saved = kit.dump_component(include_secrets=include)
    for extra in (
        saved.config["parts"][0]["config"]["extra"],
        saved.config["child"]["config"]["extra"],
    ):
        assert extra["key"] == {"$env": "KIT_KEY"}
        assert extra["where"] == "/srv/data"
        if include:
            assert extra["plain"] == "in-code"
            assert extra["deep"] == {"keys": ["deeper"]}
        else:
            assert isinstance(extra["plain"], SecretStr)
            assert isinstance(extra["deep"]["keys"][0], SecretStr)
    written = saved.model_dump_json()
    assert "from-env" not in written
    assert ("in-code" in written) is include and ("deeper" in written) is include


def test_a_dump_shares_no_dict_with_the_models_a_component_keeps() -> None:
    kept = ComponentModel(provider="x.Kept", config={"nested": {"value": 1}, "items": [1]})
    kit = Kit(KitConfig(name="kit", parts=[kept], child=kept))
    saved = kit.dump_component()
    saved.config["parts"][0]["config"]["nested"]["value"] = 2
    saved.config["child"]["config"]["items"].append(2)
    assert kept.config == {"nested": {"value": 1}, "items": [1]}
    assert kit.dump_component().config["child"]["config"] == kept.config


def test_a_load_shares_no_dict_with_the_given_config() -> None:
    given = {
        "provider": "tests.core.test_nested_secrets.Kit",
        "config": {"name": "kit", "extra": {"nested": {"values": [1]}}},
    }
    kit = Kit.load_component(given)
    given["config"]["extra"]["nested"]["values"].append(2)  # type: ignore[index]
    assert kit.config.extra == {"nested": {"values": [1]}}


def test_a_mask_deep_in_a_nested_list_is_refused_with_its_path() -> None:
    saved = Kit(KitConfig(name="kit", parts=[_hand_made_part()])).dump_component()
    written = saved.model_dump(mode="json")  # as saved to a file: secrets masked
    with pytest.raises(SecretError, match=r"config\.parts\[0\]\.config\.extra\.plain holds a"):
        Kit.load_component(written, allowed_env=["KIT_KEY"])
    written["config"]["parts"][0]["config"]["extra"]["plain"] = "real"
    with pytest.raises(SecretError, match=r"config\.parts\[0\]\.config\.extra\.deep\.keys\[0\]"):
        Kit.load_component(written, allowed_env=["KIT_KEY"])


def test_references_in_a_dict_of_secrets_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_TOKEN", "token-value")
    given = {
        "provider": "tests.core.test_nested_secrets.Kit",
        "config": {"name": "kit", "env": {"TOKEN": {"$env": "KIT_TOKEN"}, "MODE": "fast"}},
    }
    kit = Kit.load_component(given, allowed_env=["KIT_TOKEN"])
    token = kit.config.env["TOKEN"]
    assert isinstance(token, EnvSecretStr) and token.get_secret_value() == "token-value"
    assert kit.config.env["MODE"].get_secret_value() == "fast"
    assert kit.dump_component().config["env"]["TOKEN"] == {"$env": "KIT_TOKEN"}


def test_a_serializer_of_a_component_field_is_used() -> None:
    saved = Trimmed(_hand_made_part()).dump_component()
    assert saved.config == {
        "child": {"provider": "tests.core.test_nested_secrets.Kit", "config": {"trimmed": True}}
    }
