"""A module the reference tests never allow: what it defines may only be reached by its own name."""

from __future__ import annotations

from pydantic import BaseModel

from agentparts import Component, ComponentBase


class OutsideConfig(BaseModel):
    pass


class OutsideWidget(ComponentBase[OutsideConfig], Component[OutsideConfig]):
    """A component class defined here and imported by ``_reference_targets``."""

    component_type = "widget"
    component_config_schema = OutsideConfig

    def _to_config(self) -> OutsideConfig:
        return OutsideConfig()

    @classmethod
    def _from_config(cls, config: OutsideConfig) -> OutsideWidget:
        return cls()


class OutsideModel(BaseModel):
    """A structured output type defined here and imported by ``_reference_targets``."""

    text: str


def outside_function(text: str) -> str:
    """A function defined here and imported by ``_reference_targets``."""
    return text
