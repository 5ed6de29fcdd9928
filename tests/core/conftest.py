from __future__ import annotations

from typing import Any

from pydantic import BaseModel, SecretStr

from agentparts import Component, ComponentBase, ComponentModel


class WidgetConfig(BaseModel):
    name: str
    size: int = 1
    api_key: SecretStr | None = None
    child: ComponentModel | None = None


class Widget(ComponentBase[WidgetConfig], Component[WidgetConfig]):
    """A widget made for tests.

    More text that is not part of the description.
    """

    component_type = "widget"
    component_version = 2
    component_config_schema = WidgetConfig
    component_provider_override = "tests.core.Widget"

    def __init__(
        self,
        name: str,
        size: int = 1,
        api_key: SecretStr | None = None,
        child: Widget | None = None,
    ) -> None:
        self.name = name
        self.size = size
        self.api_key = api_key
        self.child = child

    def _to_config(self) -> WidgetConfig:
        return WidgetConfig(
            name=self.name,
            size=self.size,
            api_key=self.api_key,
            child=self.child.dump_component() if self.child else None,
        )

    @classmethod
    def _from_config(cls, config: WidgetConfig) -> Widget:
        child = Widget.load_component(config.child) if config.child else None
        return cls(config.name, config.size, config.api_key, child)

    @classmethod
    def _from_config_past_version(cls, config: dict[str, Any], version: int) -> Widget:
        # Version 1 called the name "title".
        if version == 1:
            return cls(name=config["title"], size=config.get("size", 1))
        return super()._from_config_past_version(config, version)
