"""What the reference tests load: the tests allow exactly this module, nothing around it.

Names defined here must load; names this module merely imports (a module, a function, a
class from elsewhere) must be refused, although the module itself is allowed.
"""

from __future__ import annotations

import subprocess  # noqa: F401  # reached as '..._reference_targets:subprocess.run': refused
from os import system  # noqa: F401  # defined in posix: refused

from pydantic import BaseModel

from agentparts import Component, ComponentBase
from tests.security._reference_outside import (  # noqa: F401  # defined elsewhere: refused
    OutsideModel,
    OutsideWidget,
    outside_function,
)


class Weather(BaseModel):
    city: str


class Outer:
    class Inner(BaseModel):
        value: int


def shout(text: str) -> str:
    """Shout the text."""
    return text.upper()


def short_summary(call: object, result: object) -> str:
    """A tool call summary formatter."""
    return "done"


class Tools:
    @staticmethod
    def whisper(text: str) -> str:
        """Whisper the text."""
        return text.lower()


tools = Tools()  # an instance: '..._reference_targets:tools.whisper' walks through it: refused


class NestedConfig(BaseModel):
    pass


class Holder:
    class NestedWidget(ComponentBase[NestedConfig], Component[NestedConfig]):
        """A component class nested in a class: its provider string has two parts."""

        component_type = "widget"
        component_config_schema = NestedConfig

        def _to_config(self) -> NestedConfig:
            return NestedConfig()

        @classmethod
        def _from_config(cls, config: NestedConfig) -> Holder.NestedWidget:
            return cls()
