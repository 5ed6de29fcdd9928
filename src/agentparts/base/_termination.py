"""Termination conditions: when a multi-agent run should stop."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from .._component import Component, ComponentBase
from .._lazy import imported_on_read

if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from .._component_model import ComponentModel
    from ..messages import BaseAgentEvent, BaseChatMessage, StopMessage
    from ._termination_config import CompositeTerminationConfig

__all__ = [
    "AndTerminationCondition",
    "OrTerminationCondition",
    "TerminatedException",
    "TerminationCondition",
    "load_condition_state",
    "save_condition_state",
]


class TerminatedException(BaseException):
    """Raised when a condition that already terminated is called again without ``reset()``."""


class TerminationCondition(ABC, ComponentBase["BaseModel"]):
    """Decides, message batch by message batch, whether a run should stop.

    Conditions combine with ``&`` (both must be met) and ``|`` (either).

    Example:
        >>> class AfterTwo(TerminationCondition):
        ...     def __init__(self): self.seen = 0
        ...     @property
        ...     def terminated(self): return self.seen >= 2
        ...     async def __call__(self, messages):
        ...         self.seen += len(messages)
        ...         return StopMessage(content="two", source="AfterTwo") if self.terminated else None
        ...     async def reset(self): self.seen = 0
    """

    component_type: ClassVar[str] = "termination"

    @property
    @abstractmethod
    def terminated(self) -> bool:
        """Whether the condition was met (until :meth:`reset`)."""

    @abstractmethod
    async def __call__(
        self, messages: Sequence[BaseAgentEvent | BaseChatMessage]
    ) -> StopMessage | None:
        """Look at the messages since the last call; a ``StopMessage`` means stop.

        Raises:
            TerminatedException: the condition already terminated.
        """

    @abstractmethod
    async def reset(self) -> None:
        """Start over."""

    async def save_state(self) -> Mapping[str, Any]:
        """What the condition has counted so far, as JSON-ready data (``{}``: nothing).

        A team saves it with its manager's state, so a run restored from a checkpoint or
        from ``save_state`` stops where an uninterrupted run would. Override it (and
        :meth:`load_state`) in a condition that counts.
        """
        return {}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`save_state` returned (nothing to do by default)."""

    def __and__(self, other: TerminationCondition) -> TerminationCondition:
        return AndTerminationCondition(self, other)

    def __or__(self, other: TerminationCondition) -> TerminationCondition:
        return OrTerminationCondition(self, other)


class AndTerminationCondition(TerminationCondition, Component["CompositeTerminationConfig"]):
    """Stops once every condition was met (each remembers having been met)."""

    component_config_schema = imported_on_read(
        "agentparts.base._termination_config", "CompositeTerminationConfig"
    )
    component_provider_override = "agentparts.base.AndTerminationCondition"

    def __init__(self, *conditions: TerminationCondition) -> None:
        self._conditions = conditions
        self._stops: list[StopMessage] = []

    @property
    def terminated(self) -> bool:
        """Whether every condition was met."""
        return all(c.terminated for c in self._conditions)

    async def __call__(
        self, messages: Sequence[BaseAgentEvent | BaseChatMessage]
    ) -> StopMessage | None:
        """Feed every pending condition; stop once all have stopped."""
        from ..messages import StopMessage

        if self.terminated:
            raise TerminatedException("Termination condition has already been reached.")
        pending = [c for c in self._conditions if not c.terminated]
        stops = await asyncio.gather(*(c(messages) for c in pending))
        self._stops.extend(s for s in stops if s is not None)
        if not self.terminated:
            return None
        return StopMessage(
            content="; ".join(s.content for s in self._stops),
            source="; ".join(s.source for s in self._stops),
        )

    async def reset(self) -> None:
        """Reset every condition."""
        for condition in self._conditions:
            await condition.reset()
        self._stops = []

    async def save_state(self) -> Mapping[str, Any]:
        """Each condition's state, and the stops already collected."""
        return {
            "conditions": [await save_condition_state(c) for c in self._conditions],
            "stops": [{"content": s.content, "source": s.source} for s in self._stops],
        }

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore each condition's state and the stops collected."""
        from ..messages import StopMessage

        await _load_children(self._conditions, state)
        self._stops = [
            StopMessage(content=str(s["content"]), source=str(s["source"]))
            for s in state.get("stops", ())
        ]

    def _to_config(self) -> CompositeTerminationConfig:
        return self.component_config_schema(
            conditions=[c.dump_component() for c in self._conditions]
        )

    @classmethod
    def _from_config(cls, config: CompositeTerminationConfig) -> Self:
        return cls(*(_load(c) for c in config.conditions))


class OrTerminationCondition(TerminationCondition, Component["CompositeTerminationConfig"]):
    """Stops as soon as any condition is met."""

    component_config_schema = imported_on_read(
        "agentparts.base._termination_config", "CompositeTerminationConfig"
    )
    component_provider_override = "agentparts.base.OrTerminationCondition"

    def __init__(self, *conditions: TerminationCondition) -> None:
        self._conditions = conditions

    @property
    def terminated(self) -> bool:
        """Whether any condition was met."""
        return any(c.terminated for c in self._conditions)

    async def __call__(
        self, messages: Sequence[BaseAgentEvent | BaseChatMessage]
    ) -> StopMessage | None:
        """Feed every condition; stop if any stops."""
        from ..messages import StopMessage

        if self.terminated:
            raise TerminatedException("Termination condition has already been reached.")
        stops = [s for s in await asyncio.gather(*(c(messages) for c in self._conditions)) if s]
        if not stops:
            return None
        return StopMessage(
            content=", ".join(s.content for s in stops), source=", ".join(s.source for s in stops)
        )

    async def reset(self) -> None:
        """Reset every condition."""
        for condition in self._conditions:
            await condition.reset()

    async def save_state(self) -> Mapping[str, Any]:
        """Each condition's state."""
        return {"conditions": [await save_condition_state(c) for c in self._conditions]}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore each condition's state."""
        await _load_children(self._conditions, state)

    def _to_config(self) -> CompositeTerminationConfig:
        return self.component_config_schema(
            conditions=[c.dump_component() for c in self._conditions]
        )

    @classmethod
    def _from_config(cls, config: CompositeTerminationConfig) -> Self:
        return cls(*(_load(c) for c in config.conditions))


async def save_condition_state(condition: TerminationCondition) -> dict[str, Any]:
    """A condition's state tagged with its class name (checked by :func:`load_condition_state`)."""
    return {"condition": type(condition).__name__, "state": dict(await condition.save_state())}


async def load_condition_state(condition: TerminationCondition, saved: Mapping[str, Any]) -> bool:
    """Restore a state from :func:`save_condition_state` if it was saved by a condition of
    the same class; whether it was restored (a team built with another condition starts
    its condition afresh)."""
    if saved.get("condition") != type(condition).__name__:
        return False
    await condition.load_state(saved.get("state") or {})
    return True


async def _load_children(
    conditions: Sequence[TerminationCondition], state: Mapping[str, Any]
) -> None:
    saved: list[Any] = list(state.get("conditions", ()))
    if len(saved) != len(conditions):
        return  # saved by a composite of other conditions: start afresh
    for condition, child in zip(conditions, saved, strict=True):
        await load_condition_state(condition, child)


def _load(model: ComponentModel | dict[str, Any]) -> TerminationCondition:
    return TerminationCondition.load_component(model)
