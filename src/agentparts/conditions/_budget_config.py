"""The configs of the conditions that count or are set from outside.

Kept apart from the conditions (:mod:`._budget`) so that importing a condition does not
build Pydantic models: this module is imported by the first save or load of one.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = [
    "CostTerminationConfig",
    "ExternalTerminationConfig",
    "FunctionalTerminationConfig",
    "MaxMessageTerminationConfig",
    "TimeoutTerminationConfig",
    "TokenUsageTerminationConfig",
]


class MaxMessageTerminationConfig(BaseModel):
    """Config of :class:`MaxMessageTermination`."""

    model_config = ConfigDict(defer_build=True)
    max_messages: int
    include_agent_event: bool = False


class TokenUsageTerminationConfig(BaseModel):
    """Config of :class:`TokenUsageTermination`."""

    model_config = ConfigDict(defer_build=True)
    max_total_token: int | None = None
    max_prompt_token: int | None = None
    max_completion_token: int | None = None


class CostTerminationConfig(BaseModel):
    """Config of :class:`CostTermination`."""

    model_config = ConfigDict(defer_build=True)
    max_cost: float
    model: str
    prompt_price: float | None = None
    completion_price: float | None = None


class TimeoutTerminationConfig(BaseModel):
    """Config of :class:`TimeoutTermination`."""

    model_config = ConfigDict(defer_build=True)
    timeout_seconds: float


class ExternalTerminationConfig(BaseModel):
    """Config of :class:`ExternalTermination` (empty)."""

    model_config = ConfigDict(defer_build=True)


class FunctionalTerminationConfig(BaseModel):
    """Config of :class:`FunctionalTermination`.

    Attributes:
        func: Import reference ``module.qualname`` of the function.
    """

    model_config = ConfigDict(defer_build=True)
    func: str
