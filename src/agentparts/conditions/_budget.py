"""Termination conditions that count (messages, tokens, cost, time) or are set from outside."""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from .._component import Component
from .._lazy import imported_on_read
from ..base import TerminatedException, TerminationCondition
from ..errors import ComponentConfigError
from ._content import stop

if TYPE_CHECKING:
    from .._capabilities import Capability
    from ..messages import BaseAgentEvent, BaseChatMessage, StopMessage
    from ._budget_config import (
        CostTerminationConfig,
        ExternalTerminationConfig,
        FunctionalTerminationConfig,
        MaxMessageTerminationConfig,
        TimeoutTerminationConfig,
        TokenUsageTerminationConfig,
    )

    Messages = Sequence[BaseAgentEvent | BaseChatMessage]
    TerminationFunc = Callable[[Messages], bool] | Callable[[Messages], Awaitable[bool]]

__all__ = [
    "MODEL_PRICES",
    "CostTermination",
    "ExternalTermination",
    "FunctionalTermination",
    "MaxMessageTermination",
    "ModelPrice",
    "TimeoutTermination",
    "TokenUsageTermination",
]


def _already(condition: TerminationCondition) -> TerminatedException:
    return TerminatedException(
        f"{type(condition).__name__} was already met: call reset() before using it again."
    )


def _number(state: Mapping[str, Any], key: str) -> float:
    """A non-negative number from a saved state (0 when absent)."""
    value: Any = state.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise ValueError(
            f"A saved termination state has {key}={value!r}: expected a number >= 0 "
            "(the state is damaged or comes from something else)."
        )
    return float(value)


class MaxMessageTermination(TerminationCondition, Component["MaxMessageTerminationConfig"]):
    """Stops once ``max_messages`` chat messages were seen (the task counts).

    Args:
        max_messages: How many messages end the run (at least 1).
        include_agent_event: Count events (tool calls, thoughts...) too.

    Example:
        >>> condition = MaxMessageTermination(5) | TextMentionTermination("TERMINATE")
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._budget_config", "MaxMessageTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.MaxMessageTermination"
    # Read on every call: a class attribute imported on first read costs less than a local
    # import (about 1.5 µs a call).
    _chat_message: ClassVar[type[BaseChatMessage]] = imported_on_read(
        "agentparts.messages", "BaseChatMessage"
    )

    def __init__(self, max_messages: int, include_agent_event: bool = False) -> None:
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, got {max_messages}.")
        self._max_messages = max_messages
        self._include_agent_event = include_agent_event
        self._count = 0

    @property
    def terminated(self) -> bool:
        """Whether the count was reached."""
        return self._count >= self._max_messages

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Count the new messages.

        Raises:
            TerminatedException: the count was reached already and not reset.
        """
        if self.terminated:
            raise _already(self)
        if self._include_agent_event:
            self._count += len(messages)
        else:
            self._count += sum(1 for m in messages if isinstance(m, self._chat_message))
        if not self.terminated:
            return None
        return stop(
            f"Maximum number of messages {self._max_messages} reached, current message "
            f"count: {self._count}",
            "MaxMessageTermination",
        )

    async def reset(self) -> None:
        """Count from zero again."""
        self._count = 0

    async def save_state(self) -> Mapping[str, Any]:
        """The messages counted so far."""
        return {"count": self._count}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Continue counting from a saved count."""
        self._count = int(_number(state, "count"))

    def _to_config(self) -> MaxMessageTerminationConfig:
        from ._budget_config import MaxMessageTerminationConfig

        return MaxMessageTerminationConfig(
            max_messages=self._max_messages, include_agent_event=self._include_agent_event
        )

    @classmethod
    def _from_config(cls, config: MaxMessageTerminationConfig) -> Self:
        return cls(config.max_messages, config.include_agent_event)


class TokenUsageTermination(TerminationCondition, Component["TokenUsageTerminationConfig"]):
    """Stops once the model calls of the run used this many tokens (from ``models_usage``).

    Args:
        max_total_token: Limit on prompt + completion tokens.
        max_prompt_token: Limit on prompt tokens.
        max_completion_token: Limit on completion tokens.

    Raises:
        ValueError: no limit was given.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._budget_config", "TokenUsageTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.TokenUsageTermination"

    def __init__(
        self,
        max_total_token: int | None = None,
        max_prompt_token: int | None = None,
        max_completion_token: int | None = None,
    ) -> None:
        if max_total_token is None and max_prompt_token is None and max_completion_token is None:
            raise ValueError(
                "TokenUsageTermination needs at least one of max_total_token, "
                "max_prompt_token or max_completion_token."
            )
        self._limits = (max_total_token, max_prompt_token, max_completion_token)
        self._prompt = 0
        self._completion = 0

    @property
    def terminated(self) -> bool:
        """Whether a limit was reached."""
        total, prompt, completion = self._limits
        return (
            (total is not None and self._prompt + self._completion >= total)
            or (prompt is not None and self._prompt >= prompt)
            or (completion is not None and self._completion >= completion)
        )

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Add up the usage of the new messages.

        Raises:
            TerminatedException: a limit was reached already and not reset.
        """
        if self.terminated:
            raise _already(self)
        for message in messages:
            if message.models_usage is not None:
                self._prompt += message.models_usage.prompt_tokens
                self._completion += message.models_usage.completion_tokens
        if not self.terminated:
            return None
        return stop(
            f"Token usage limit reached, total token count: {self._prompt + self._completion}, "
            f"prompt token count: {self._prompt}, completion token count: {self._completion}.",
            "TokenUsageTermination",
        )

    async def reset(self) -> None:
        """Count from zero again."""
        self._prompt = self._completion = 0

    async def save_state(self) -> Mapping[str, Any]:
        """The tokens counted so far."""
        return {"prompt_tokens": self._prompt, "completion_tokens": self._completion}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Continue counting from saved token counts."""
        self._prompt = int(_number(state, "prompt_tokens"))
        self._completion = int(_number(state, "completion_tokens"))

    def _to_config(self) -> TokenUsageTerminationConfig:
        from ._budget_config import TokenUsageTerminationConfig

        total, prompt, completion = self._limits
        return TokenUsageTerminationConfig(
            max_total_token=total, max_prompt_token=prompt, max_completion_token=completion
        )

    @classmethod
    def _from_config(cls, config: TokenUsageTerminationConfig) -> Self:
        return cls(config.max_total_token, config.max_prompt_token, config.max_completion_token)


@dataclass(frozen=True)
class ModelPrice:
    """What a model costs, in US dollars per million tokens.

    Attributes:
        prompt: Price of a million prompt (input) tokens.
        completion: Price of a million completion (output) tokens.
    """

    prompt: float
    completion: float


MODEL_PRICES: dict[str, ModelPrice] = {
    "gpt-4o": ModelPrice(2.5, 10.0),
    "gpt-4o-mini": ModelPrice(0.15, 0.6),
    "gpt-4.1": ModelPrice(2.0, 8.0),
    "gpt-4.1-mini": ModelPrice(0.4, 1.6),
    "gpt-4.1-nano": ModelPrice(0.1, 0.4),
    "o3-mini": ModelPrice(1.1, 4.4),
    "o4-mini": ModelPrice(1.1, 4.4),
}
"""List prices used by :class:`CostTermination`; add your models (and your discounts) here."""


class CostTermination(TerminationCondition, Component["CostTerminationConfig"]):
    """Stops once the run's estimated cost reaches ``max_cost`` US dollars.

    The cost is estimated from ``models_usage`` of every message and the model's price:
    ``prompt_price`` and ``completion_price`` (dollars per million tokens) when given, else
    the entry for ``model`` in :data:`MODEL_PRICES`.

    Args:
        max_cost: The budget in US dollars.
        model: The model the agents call, to look up its price.
        prompt_price: Dollars per million prompt tokens (overrides the table).
        completion_price: Dollars per million completion tokens (overrides the table).

    Raises:
        ValueError: the budget is not a positive number, or the price is unknown.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._budget_config", "CostTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.CostTermination"

    def __init__(
        self,
        max_cost: float,
        model: str,
        prompt_price: float | None = None,
        completion_price: float | None = None,
    ) -> None:
        if not math.isfinite(max_cost) or max_cost <= 0:
            raise ValueError(f"max_cost must be a positive number of dollars, got {max_cost}.")
        listed = MODEL_PRICES.get(model)
        if listed is None and (prompt_price is None or completion_price is None):
            raise ValueError(
                f"No price known for model {model!r}: pass prompt_price and completion_price "
                "(dollars per million tokens) or add it to agentparts.conditions.MODEL_PRICES."
            )
        self._max_cost = max_cost
        self._model = model
        self._overrides = (prompt_price, completion_price)
        self._price = ModelPrice(
            prompt_price if prompt_price is not None else listed.prompt if listed else 0.0,
            completion_price
            if completion_price is not None
            else listed.completion
            if listed
            else 0.0,
        )
        self._cost = 0.0

    @property
    def cost(self) -> float:
        """The estimated cost so far, in US dollars."""
        return self._cost

    @property
    def terminated(self) -> bool:
        """Whether the budget was used up."""
        return self._cost >= self._max_cost

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Add the cost of the new messages' model calls.

        Raises:
            TerminatedException: the budget was used up already and not reset.
        """
        if self.terminated:
            raise _already(self)
        for message in messages:
            usage = message.models_usage
            if usage is not None:
                self._cost += (
                    usage.prompt_tokens * self._price.prompt
                    + usage.completion_tokens * self._price.completion
                ) / 1_000_000
        if not self.terminated:
            return None
        return stop(
            f"Cost budget of ${self._max_cost:g} reached (estimated ${self._cost:.6f}).",
            "CostTermination",
        )

    async def reset(self) -> None:
        """Spend from zero again."""
        self._cost = 0.0

    async def save_state(self) -> Mapping[str, Any]:
        """The cost estimated so far."""
        return {"cost": self._cost}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Continue from a saved cost."""
        self._cost = _number(state, "cost")

    def _to_config(self) -> CostTerminationConfig:
        from ._budget_config import CostTerminationConfig

        prompt, completion = self._overrides
        return CostTerminationConfig(
            max_cost=self._max_cost,
            model=self._model,
            prompt_price=prompt,
            completion_price=completion,
        )

    @classmethod
    def _from_config(cls, config: CostTerminationConfig) -> Self:
        return cls(config.max_cost, config.model, config.prompt_price, config.completion_price)


class TimeoutTermination(TerminationCondition, Component["TimeoutTerminationConfig"]):
    """Stops at the first message after ``timeout_seconds`` since creation or :meth:`reset`.

    It is checked when messages arrive, so it cannot interrupt a turn in progress: to stop
    a run at a deadline, cancel its token.

    Args:
        timeout_seconds: The time budget in seconds.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._budget_config", "TimeoutTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.TimeoutTermination"

    def __init__(self, timeout_seconds: float) -> None:
        if not math.isfinite(timeout_seconds) or timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be positive, got {timeout_seconds}.")
        self._timeout = timeout_seconds
        self._start = time.monotonic()
        self._terminated = False

    @property
    def terminated(self) -> bool:
        """Whether the time ran out."""
        return self._terminated

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Check the clock.

        Raises:
            TerminatedException: the time ran out already and the condition was not reset.
        """
        if self._terminated:
            raise _already(self)
        if time.monotonic() - self._start < self._timeout:
            return None
        self._terminated = True
        return stop(f"Timeout of {self._timeout} seconds reached", "TimeoutTermination")

    async def reset(self) -> None:
        """Restart the clock."""
        self._start = time.monotonic()
        self._terminated = False

    @property
    def elapsed(self) -> float:
        """Seconds of the budget used so far."""
        return time.monotonic() - self._start

    async def save_state(self) -> Mapping[str, Any]:
        """The seconds of the budget used so far."""
        return {"elapsed": self.elapsed, "terminated": self._terminated}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Continue with the budget a saved state had left (the time between the save and
        the load does not count)."""
        self._start = time.monotonic() - _number(state, "elapsed")
        self._terminated = bool(state.get("terminated", False))

    def _to_config(self) -> TimeoutTerminationConfig:
        from ._budget_config import TimeoutTerminationConfig

        return TimeoutTerminationConfig(timeout_seconds=self._timeout)

    @classmethod
    def _from_config(cls, config: TimeoutTerminationConfig) -> Self:
        return cls(config.timeout_seconds)


class ExternalTermination(TerminationCondition, Component["ExternalTerminationConfig"]):
    """Stops when your code calls :meth:`set` (for example a "Stop" button).

    The run stops after the turn in progress ends; to stop at once, cancel the token.

    Example:
        >>> stop_button = ExternalTermination()
        >>> stop_button.set()
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._budget_config", "ExternalTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.ExternalTermination"

    def __init__(self) -> None:
        self._set = False
        self._terminated = False

    @property
    def terminated(self) -> bool:
        """Whether the stop was delivered."""
        return self._terminated

    def set(self) -> None:
        """Ask the run to stop at the next check."""
        self._set = True

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Stop if :meth:`set` was called.

        Raises:
            TerminatedException: the stop was delivered already and not reset.
        """
        if self._terminated:
            raise _already(self)
        if not self._set:
            return None
        self._terminated = True
        return stop("External termination requested", "ExternalTermination")

    async def reset(self) -> None:
        """Clear the request."""
        self._set = self._terminated = False

    async def save_state(self) -> Mapping[str, Any]:
        """Whether a stop was requested and whether it was delivered."""
        return {"set": self._set, "terminated": self._terminated}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore a requested (not yet delivered) stop."""
        self._set = bool(state.get("set", False))
        self._terminated = bool(state.get("terminated", False))

    def _to_config(self) -> ExternalTerminationConfig:
        from ._budget_config import ExternalTerminationConfig

        return ExternalTerminationConfig()

    @classmethod
    def _from_config(cls, config: ExternalTerminationConfig) -> Self:
        return cls()


class FunctionalTermination(TerminationCondition, Component["FunctionalTerminationConfig"]):
    """Stops when ``func(messages)`` returns ``True`` (sync or async).

    It is saved with the function's import reference, so the function must be defined at
    module level; loading imports it through the same rules as providers.

    Args:
        func: Takes the new messages, returns whether to stop.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._budget_config", "FunctionalTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.FunctionalTermination"

    def __init__(self, func: TerminationFunc) -> None:
        self._func = func
        self._terminated = False

    @property
    def terminated(self) -> bool:
        """Whether the function said stop."""
        return self._terminated

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Ask the function.

        Raises:
            TerminatedException: the function said stop already and the condition was not
                reset.
        """
        if self._terminated:
            raise _already(self)
        result: Any = self._func(messages)
        if inspect.isawaitable(result):
            result = await result
        if result is not True:
            return None
        self._terminated = True
        return stop("Functional termination condition met", "FunctionalTermination")

    async def reset(self) -> None:
        """The function may say stop again."""
        self._terminated = False

    async def save_state(self) -> Mapping[str, Any]:
        """Whether the function said stop (it matters inside an ``&`` combination)."""
        return {"terminated": self._terminated}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore whether the function said stop."""
        self._terminated = bool(state.get("terminated", False))

    def _to_config(self) -> FunctionalTerminationConfig:
        from ..agents._references import reference_of
        from ._budget_config import FunctionalTerminationConfig

        return FunctionalTerminationConfig(func=reference_of(self._func, "termination function"))

    @classmethod
    def _from_config(cls, config: FunctionalTerminationConfig) -> Self:
        from ..agents._references import import_reference

        found: Any = import_reference(config.func, "termination function")
        if not callable(found):
            raise ComponentConfigError(
                f"Termination function {config.func!r} names {found!r}, which is not callable."
            )
        return cls(cast("TerminationFunc", found))

    @classmethod
    def _capabilities(cls, config: FunctionalTerminationConfig) -> list[Capability]:
        from .._capabilities import host_code

        return [host_code(config.func, "termination function, in-process")]
