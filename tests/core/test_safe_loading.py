from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentparts import ComponentLoader, _providers
from agentparts._providers import ALLOWED_PROVIDERS_ENV_VAR, resolve_provider
from agentparts.errors import ProviderNotAllowedError

MODULE = "recording_untrusted_ext"


@pytest.fixture
def untrusted_package(tmp_path: Path) -> Iterator[Path]:
    """A real package on sys.path that writes a marker file when it is imported."""
    marker = tmp_path / "imported.marker"
    package = tmp_path / MODULE
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            f"""
            from pathlib import Path
            from pydantic import BaseModel
            from agentparts import Component, ComponentBase

            Path({str(marker)!r}).write_text("imported")

            class Config(BaseModel):
                value: int

            class Recorded(ComponentBase[Config], Component[Config]):
                component_type = "recorded"
                component_config_schema = Config

                def __init__(self, value: int) -> None:
                    self.value = value

                def _to_config(self) -> Config:
                    return Config(value=self.value)

                @classmethod
                def _from_config(cls, config: Config) -> "Recorded":
                    return cls(config.value)
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield marker
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == MODULE]:
            del sys.modules[name]
        # Classes register themselves when defined; forget this one with its module.
        _providers._registered_classes.pop(f"{MODULE}.Recorded", None)


RECORDED = {"provider": f"{MODULE}.Recorded", "config": {"value": 7}}


def test_unknown_provider_is_refused_before_any_import(untrusted_package: Path) -> None:
    with pytest.raises(ProviderNotAllowedError) as info:
        ComponentLoader.load_component(RECORDED)
    assert MODULE not in sys.modules
    assert not untrusted_package.exists()
    message = str(info.value)
    assert f"{MODULE}.Recorded" in message
    assert f"allowed_providers=['{MODULE}']" in message
    assert ALLOWED_PROVIDERS_ENV_VAR in message


def test_caller_can_allow_a_prefix(untrusted_package: Path) -> None:
    loaded = ComponentLoader.load_component(RECORDED, allowed_providers=[MODULE])
    assert getattr(loaded, "value") == 7
    assert untrusted_package.read_text() == "imported"


def test_environment_variable_allows_a_prefix(
    untrusted_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOWED_PROVIDERS_ENV_VAR, f"other_pkg, {MODULE}")
    assert getattr(ComponentLoader.load_component(RECORDED), "value") == 7


def test_a_prefix_matches_whole_dotted_names_only(untrusted_package: Path) -> None:
    with pytest.raises(ProviderNotAllowedError):
        ComponentLoader.load_component(RECORDED, allowed_providers=["recording"])
    assert MODULE not in sys.modules


def test_allowance_ends_with_the_call(untrusted_package: Path) -> None:
    ComponentLoader.load_component(RECORDED, allowed_providers=[MODULE])
    del sys.modules[MODULE]
    _providers._registered_classes.pop(f"{MODULE}.Recorded")
    untrusted_package.unlink()
    with pytest.raises(ProviderNotAllowedError):
        ComponentLoader.load_component(RECORDED)
    assert not untrusted_package.exists()


def test_class_defined_in_this_process_loads_without_import(untrusted_package: Path) -> None:
    ComponentLoader.load_component(RECORDED, allowed_providers=[MODULE])
    del sys.modules[MODULE]
    untrusted_package.unlink()
    # The class is already defined here: loading it again runs no import.
    assert getattr(ComponentLoader.load_component(RECORDED), "value") == 7
    assert not untrusted_package.exists()


def test_dangerous_stdlib_providers_are_refused() -> None:
    for provider in ("os.system", "subprocess.Popen", "builtins.eval", "pickle.loads"):
        with pytest.raises(ProviderNotAllowedError):
            ComponentLoader.load_component({"provider": provider, "config": {}})


def test_autogen_provider_strings_map_onto_agentparts() -> None:
    assert (
        resolve_provider("autogen_ext.models.openai.OpenAIChatCompletionClient")
        == "agentparts.models.openai.OpenAIChatCompletionClient"
    )
    assert resolve_provider("autogen_core.tools.FunctionTool") == "agentparts.tools.FunctionTool"
    assert (
        resolve_provider("autogen_agentchat.agents.AssistantAgent")
        == "agentparts.agents.AssistantAgent"
    )
    assert (
        resolve_provider("autogen_ext.tools.code_execution.PythonCodeExecutionTool")
        == "agentparts.tools.PythonCodeExecutionTool"
    )


def test_short_names_resolve_to_built_in_providers() -> None:
    assert resolve_provider("replay") == "agentparts.models.replay.ReplayChatCompletionClient"
    assert resolve_provider("sandbox").startswith("agentparts.code_executors.sandbox.")


def test_classes_sharing_a_provider_string_are_chosen_by_expected_type() -> None:
    from pydantic import BaseModel

    from agentparts import Component, ComponentBase
    from agentparts.errors import ComponentTypeError

    class Config(BaseModel):
        pass

    class KindA(ComponentBase[Config], Component[Config]):
        component_type = "a"
        component_config_schema = Config
        component_provider_override = "shared.Provider"

        @classmethod
        def _from_config(cls, config: Config) -> KindA:
            return cls()

    class KindB(ComponentBase[Config], Component[Config]):
        component_type = "b"
        component_config_schema = Config
        component_provider_override = "shared.Provider"

        @classmethod
        def _from_config(cls, config: Config) -> KindB:
            return cls()

    try:
        saved = {"provider": "shared.Provider", "config": {}}
        assert isinstance(KindA.load_component(saved), KindA)
        assert isinstance(KindB.load_component(saved), KindB)
        with pytest.raises(ComponentTypeError, match="claimed by several classes"):
            ComponentLoader.load_component(saved)
    finally:
        _providers._registered_classes.pop("shared.Provider")
