"""The config model of the ``&`` and ``|`` combinations of termination conditions.

Apart from :mod:`._termination` so that defining the conditions does not load Pydantic's
model machinery; it is imported by the first save or load of a combination.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .._component_model import ComponentModel

__all__ = ["CompositeTerminationConfig"]


class CompositeTerminationConfig(BaseModel):
    """Config of :class:`AndTerminationCondition` and :class:`OrTerminationCondition`."""

    model_config = ConfigDict(defer_build=True)

    conditions: list[ComponentModel]
