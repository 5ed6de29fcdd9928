"""Termination conditions: when a team's run stops.

A team checks its condition after every turn, with the messages of that turn (the task
included on the first); the condition returns a ``StopMessage`` to stop the run, whose
content becomes :attr:`TaskResult.stop_reason`. Combine conditions with ``|`` (either) and
``&`` (both). A team resets its condition when a run stops, so the next run starts fresh.

A condition that never fires keeps a team running: give the team ``max_turns`` too, or
cancel the run's token.

Each condition's module is imported on first use of its name, and its config model by the
first save or load of the condition.

Example:
    >>> from agentparts.conditions import MaxMessageTermination, TextMentionTermination
    >>> stop = TextMentionTermination("TERMINATE") | MaxMessageTermination(10)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._budget import MODEL_PRICES as MODEL_PRICES
    from ._budget import CostTermination as CostTermination
    from ._budget import ExternalTermination as ExternalTermination
    from ._budget import FunctionalTermination as FunctionalTermination
    from ._budget import MaxMessageTermination as MaxMessageTermination
    from ._budget import ModelPrice as ModelPrice
    from ._budget import TimeoutTermination as TimeoutTermination
    from ._budget import TokenUsageTermination as TokenUsageTermination
    from ._budget_config import CostTerminationConfig as CostTerminationConfig
    from ._budget_config import ExternalTerminationConfig as ExternalTerminationConfig
    from ._budget_config import FunctionalTerminationConfig as FunctionalTerminationConfig
    from ._budget_config import MaxMessageTerminationConfig as MaxMessageTerminationConfig
    from ._budget_config import TimeoutTerminationConfig as TimeoutTerminationConfig
    from ._budget_config import TokenUsageTerminationConfig as TokenUsageTerminationConfig
    from ._content import FunctionCallTermination as FunctionCallTermination
    from ._content import HandoffTermination as HandoffTermination
    from ._content import SourceMatchTermination as SourceMatchTermination
    from ._content import StopMessageTermination as StopMessageTermination
    from ._content import TextMentionTermination as TextMentionTermination
    from ._content import TextMessageTermination as TextMessageTermination
    from ._content_config import FunctionCallTerminationConfig as FunctionCallTerminationConfig
    from ._content_config import HandoffTerminationConfig as HandoffTerminationConfig
    from ._content_config import SourceMatchTerminationConfig as SourceMatchTerminationConfig
    from ._content_config import StopMessageTerminationConfig as StopMessageTerminationConfig
    from ._content_config import TextMentionTerminationConfig as TextMentionTerminationConfig
    from ._content_config import TextMessageTerminationConfig as TextMessageTerminationConfig

__all__ = [
    "MODEL_PRICES",
    "CostTermination",
    "CostTerminationConfig",
    "ExternalTermination",
    "ExternalTerminationConfig",
    "FunctionCallTermination",
    "FunctionCallTerminationConfig",
    "FunctionalTermination",
    "FunctionalTerminationConfig",
    "HandoffTermination",
    "HandoffTerminationConfig",
    "MaxMessageTermination",
    "MaxMessageTerminationConfig",
    "ModelPrice",
    "SourceMatchTermination",
    "SourceMatchTerminationConfig",
    "StopMessageTermination",
    "StopMessageTerminationConfig",
    "TextMentionTermination",
    "TextMentionTerminationConfig",
    "TextMessageTermination",
    "TextMessageTerminationConfig",
    "TimeoutTermination",
    "TimeoutTerminationConfig",
    "TokenUsageTermination",
    "TokenUsageTerminationConfig",
]

_LAZY_NAMES = {
    "MODEL_PRICES": "._budget",
    "CostTermination": "._budget",
    "CostTerminationConfig": "._budget_config",
    "ExternalTermination": "._budget",
    "ExternalTerminationConfig": "._budget_config",
    "FunctionCallTermination": "._content",
    "FunctionCallTerminationConfig": "._content_config",
    "FunctionalTermination": "._budget",
    "FunctionalTerminationConfig": "._budget_config",
    "HandoffTermination": "._content",
    "HandoffTerminationConfig": "._content_config",
    "MaxMessageTermination": "._budget",
    "MaxMessageTerminationConfig": "._budget_config",
    "ModelPrice": "._budget",
    "SourceMatchTermination": "._content",
    "SourceMatchTerminationConfig": "._content_config",
    "StopMessageTermination": "._content",
    "StopMessageTerminationConfig": "._content_config",
    "TextMentionTermination": "._content",
    "TextMentionTerminationConfig": "._content_config",
    "TextMessageTermination": "._content",
    "TextMessageTerminationConfig": "._content_config",
    "TimeoutTermination": "._budget",
    "TimeoutTerminationConfig": "._budget_config",
    "TokenUsageTermination": "._budget",
    "TokenUsageTerminationConfig": "._budget_config",
}


__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
