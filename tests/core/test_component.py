from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from agentparts import (
    Component,
    ComponentBase,
    ComponentLoader,
    ComponentModel,
    EnvSecretStr,
    is_component_class,
    is_component_instance,
    secret_from_env,
)
from agentparts.errors import (
    ComponentConfigError,
    ComponentLoadError,
    ComponentTypeError,
    ComponentVersionError,
    ProviderNotFoundError,
    SecretError,
)

from .conftest import Widget


def test_dump_fills_saved_form_from_class() -> None:
    model = Widget("a", 3).dump_component()
    assert model.provider == "tests.core.Widget"
    assert model.component_type == "widget"
    assert model.component_version == 2
    assert model.version == 2
    assert model.label == "Widget"
    assert model.description == "A widget made for tests."
    assert model.config == {"name": "a", "size": 3, "api_key": None, "child": None}


def test_nested_round_trip_through_json() -> None:
    parent = Widget("parent", 2, child=Widget("child", 5, child=Widget("grandchild")))
    text = parent.dump_component().model_dump_json()
    loaded = Widget.load_component(json.loads(text))
    assert loaded.name == "parent"
    assert loaded.child is not None and loaded.child.size == 5
    assert loaded.child.child is not None and loaded.child.child.name == "grandchild"
    assert loaded.dump_component() == parent.dump_component()


def test_load_from_json_and_yaml_files(tmp_path: Path) -> None:
    model = Widget("filed", 4).dump_component()
    json_file = tmp_path / "widget.json"
    json_file.write_text(model.model_dump_json())
    yaml_file = tmp_path / "widget.yaml"
    yaml_file.write_text(
        "provider: tests.core.Widget\ncomponent_version: 2\nconfig:\n  name: filed\n  size: 4\n"
    )
    assert Widget.load_component(json_file).size == 4
    assert Widget.load_component(str(yaml_file)).name == "filed"


def test_component_helpers_recognise_components() -> None:
    assert is_component_class(Widget)
    assert is_component_instance(Widget("x"))
    assert not is_component_class(int)
    assert not is_component_instance("x")


def test_component_type_is_inherited_from_the_base() -> None:
    class Base(ComponentBase[BaseModel]):
        component_type = "gadget"

    class Config(BaseModel):
        pass

    class Gadget(Base, Component[Config]):
        component_config_schema = Config

        def _to_config(self) -> Config:
            return Config()

    assert Gadget().dump_component().component_type == "gadget"


def test_missing_component_type_is_a_clear_error() -> None:
    class Config(BaseModel):
        pass

    with pytest.warns(UserWarning, match="'component_type' must be defined in Typeless"):

        class Typeless(ComponentBase[Config], Component[Config]):
            component_config_schema = Config

            def _to_config(self) -> Config:
                return Config()

    with pytest.raises(AttributeError, match="has no component_type"):  # as AutoGen
        Typeless().dump_component()


def test_past_version_is_loaded_through_its_hook() -> None:
    old = {"provider": "tests.core.Widget", "component_version": 1, "config": {"title": "old"}}
    assert Widget.load_component(old).name == "old"


def test_future_version_is_refused() -> None:
    future = Widget("x").dump_component().model_copy(update={"component_version": 9})
    with pytest.raises(ComponentVersionError, match="supports versions up to 2"):
        Widget.load_component(future)


def test_unsupported_past_version_is_a_version_error() -> None:
    class Config(BaseModel):
        pass

    class Versioned(ComponentBase[Config], Component[Config]):
        component_type = "thing"
        component_version = 3
        component_config_schema = Config

    with pytest.raises(ComponentVersionError, match="_from_config_past_version"):
        ComponentLoader.load_component(
            {
                "provider": f"{__name__}.{Versioned.__qualname__}",
                "component_version": 2,
                "config": {},
            }
        )


def test_invalid_config_names_the_field_path() -> None:
    bad = {
        "provider": "tests.core.Widget",
        "config": {
            "name": "p",
            "child": {"provider": "tests.core.Widget", "config": {"size": "big"}},
        },
    }
    with pytest.raises(ComponentConfigError) as info:
        Widget.load_component(bad)
    message = str(info.value)
    assert "config.name: Field required" in message
    assert "config.size: Input should be a valid integer" in message


def test_malformed_saved_form_is_refused() -> None:
    with pytest.raises(ComponentConfigError, match="provider: Field required"):
        Widget.load_component({"config": {}})
    with pytest.raises(ComponentConfigError, match="unexpected_key"):
        Widget.load_component({"provider": "tests.core.Widget", "unexpected_key": 1, "config": {}})


def test_malformed_json_file_names_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"provider": "tests.core.Widget",\n "config": {,}}')
    with pytest.raises(ComponentConfigError, match=r"not valid JSON: .* line 2, column 13"):
        Widget.load_component(broken)


def test_malformed_yaml_file_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("provider: [unclosed\nconfig: {}\n")
    with pytest.raises(ComponentConfigError, match="not valid YAML"):
        Widget.load_component(broken)


def test_yaml_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(ComponentConfigError, match="expected a mapping"):
        Widget.load_component(listed)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ComponentConfigError, match="does not exist"):
        Widget.load_component(tmp_path / "nope.json")


def test_wrong_expected_type_is_refused_before_construction() -> None:
    class Other(BaseModel):
        pass

    with pytest.raises(ComponentTypeError, match="a Other was expected"):
        ComponentLoader.load_component(Widget("x").dump_component(), Other)


def test_class_used_for_loading_is_the_expected_type() -> None:
    class Config(BaseModel):
        pass

    class Unrelated(ComponentBase[Config], Component[Config]):
        component_type = "thing"
        component_config_schema = Config

    with pytest.raises(ComponentTypeError, match="was expected"):
        Unrelated.load_component(Widget("x").dump_component())


def test_allowed_module_without_the_class_is_not_found() -> None:
    with pytest.raises(ProviderNotFoundError, match="has no attribute 'Missing'"):
        ComponentLoader.load_component({"provider": "agentparts.errors.Missing", "config": {}})


def test_non_component_class_is_refused() -> None:
    with pytest.raises(ComponentTypeError, match="not a component class"):
        ComponentLoader.load_component(
            {"provider": "agentparts.errors.AgentPartsError", "config": {}}
        )


def test_every_load_error_is_one_hierarchy() -> None:
    for error in (ComponentConfigError, ComponentTypeError, ComponentVersionError, SecretError):
        assert issubclass(error, ComponentLoadError)


# --- secrets ----------------------------------------------------------------------------


def test_secret_is_masked_by_default_and_revealed_on_request() -> None:
    widget = Widget("s", api_key=SecretStr("sk-very-secret"))
    saved = widget.dump_component()
    assert saved.model_dump(mode="json")["config"]["api_key"] == "**********"
    assert "sk-very-secret" not in saved.model_dump_json()
    assert json.loads(saved.model_dump_json())["config"]["api_key"] == "**********"
    assert widget.dump_component(include_secrets=True).config["api_key"] == "sk-very-secret"


def test_include_secrets_reaches_nested_components() -> None:
    parent = Widget("p", child=Widget("c", api_key=SecretStr("inner-secret")))
    saved = parent.dump_component()
    assert saved.model_dump(mode="json")["config"]["child"]["config"]["api_key"] == "**********"
    assert "inner-secret" not in saved.model_dump_json()
    revealed = parent.dump_component(include_secrets=True)
    assert revealed.config["child"]["config"]["api_key"] == "inner-secret"
    loaded = Widget.load_component(revealed)
    assert loaded.child is not None and loaded.child.api_key is not None
    assert loaded.child.api_key.get_secret_value() == "inner-secret"


def test_env_secret_is_saved_as_reference_and_resolved_at_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIDGET_KEY", "from-the-env")
    key = secret_from_env("WIDGET_KEY")
    assert key is not None
    model = Widget("e", api_key=key).dump_component(include_secrets=True)
    assert model.config["api_key"] == {"$env": "WIDGET_KEY"}
    assert "from-the-env" not in model.model_dump_json()

    monkeypatch.setenv("WIDGET_KEY", "rotated")
    loaded = Widget.load_component(model, allowed_env=["WIDGET_KEY"])
    assert isinstance(loaded.api_key, EnvSecretStr)
    assert loaded.api_key.get_secret_value() == "rotated"
    assert loaded.dump_component().config["api_key"] == {"$env": "WIDGET_KEY"}


def test_env_reference_to_unset_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIDGET_KEY_UNSET", raising=False)
    model = {
        "provider": "tests.core.Widget",
        "config": {"name": "x", "api_key": {"$env": "WIDGET_KEY_UNSET"}},
    }
    with pytest.raises(SecretError, match="WIDGET_KEY_UNSET, which is not set"):
        Widget.load_component(model, allowed_env=["WIDGET_KEY_UNSET"])


def test_env_reference_in_a_plain_string_field_resolves_to_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIDGET_NAME", "named-by-env")
    model = {"provider": "tests.core.Widget", "config": {"name": {"$env": "WIDGET_NAME"}}}
    assert Widget.load_component(model, allowed_env=["WIDGET_NAME"]).name == "named-by-env"


def test_masked_secret_on_load_is_refused_with_its_path() -> None:
    parent = Widget("p", child=Widget("c", api_key=SecretStr("hidden")))
    written = json.loads(parent.dump_component().model_dump_json())  # as saved to a file
    with pytest.raises(SecretError, match=r"config\.child\.config\.api_key holds a masked secret"):
        Widget.load_component(written)


def test_in_memory_dump_and_load_keeps_secrets_as_autogen() -> None:
    parent = Widget("p", child=Widget("c", api_key=SecretStr("hidden")))
    saved = parent.dump_component()
    assert isinstance(saved.config["child"]["config"]["api_key"], SecretStr)
    loaded = Widget.load_component(saved)
    assert loaded.child is not None and loaded.child.api_key is not None
    assert loaded.child.api_key.get_secret_value() == "hidden"


def test_saved_form_model_is_strict() -> None:
    assert set(ComponentModel.model_fields) == {
        "provider",
        "component_type",
        "version",
        "component_version",
        "description",
        "label",
        "config",
    }


def test_subclass_saves_under_the_inherited_override_with_a_warning() -> None:
    class LoudWidget(Widget):
        """A widget subclass that adds behaviour."""

    # AutoGen saves the inherited string; agentparts says the subclass loads as its parent.
    with pytest.warns(UserWarning, match="so it loads back as Widget"):
        model = LoudWidget("w").dump_component()
    assert model.provider == "tests.core.Widget"
    assert type(Widget.load_component(model)) is Widget  # never the subclass by accident


class _Empty(BaseModel):
    pass


def test_subclass_without_any_override_saves_under_its_own_path() -> None:
    class Plain(ComponentBase[_Empty], Component[_Empty]):
        component_type = "plain"
        component_config_schema = _Empty

        def _to_config(self) -> _Empty:
            return _Empty()

        @classmethod
        def _from_config(cls, config: _Empty) -> Plain:
            return cls()

    class Louder(Plain):
        pass

    model = Louder().dump_component()
    assert model.provider == f"{__name__}.{Louder.__qualname__}"
    assert type(Plain.load_component(model)) is Louder
