"""Termination conditions: when a team's run stops.

A team checks its condition after every turn, with the messages of that turn (the task
included on the first); the condition returns a ``StopMessage`` to stop the run, whose
content becomes :attr:`TaskResult.stop_reason`. Combine conditions with ``|`` (either) and
``&`` (both). A team resets its condition when a run stops, so the next run starts fresh.

A condition that never fires keeps a team running: give the team ``max_turns`` too, or
cancel the run's token.

Example:
    >>> from agentparts.conditions import MaxMessageTermination, TextMentionTermination
    >>> stop = TextMentionTermination("TERMINATE") | MaxMessageTermination(10)
"""

from ._budget import MODEL_PRICES as MODEL_PRICES
from ._budget import CostTermination as CostTermination
from ._budget import CostTerminationConfig as CostTerminationConfig
from ._budget import ExternalTermination as ExternalTermination
from ._budget import ExternalTerminationConfig as ExternalTerminationConfig
from ._budget import FunctionalTermination as FunctionalTermination
from ._budget import FunctionalTerminationConfig as FunctionalTerminationConfig
from ._budget import MaxMessageTermination as MaxMessageTermination
from ._budget import MaxMessageTerminationConfig as MaxMessageTerminationConfig
from ._budget import ModelPrice as ModelPrice
from ._budget import TimeoutTermination as TimeoutTermination
from ._budget import TimeoutTerminationConfig as TimeoutTerminationConfig
from ._budget import TokenUsageTermination as TokenUsageTermination
from ._budget import TokenUsageTerminationConfig as TokenUsageTerminationConfig
from ._content import FunctionCallTermination as FunctionCallTermination
from ._content import FunctionCallTerminationConfig as FunctionCallTerminationConfig
from ._content import HandoffTermination as HandoffTermination
from ._content import HandoffTerminationConfig as HandoffTerminationConfig
from ._content import SourceMatchTermination as SourceMatchTermination
from ._content import SourceMatchTerminationConfig as SourceMatchTerminationConfig
from ._content import StopMessageTermination as StopMessageTermination
from ._content import StopMessageTerminationConfig as StopMessageTerminationConfig
from ._content import TextMentionTermination as TextMentionTermination
from ._content import TextMentionTerminationConfig as TextMentionTerminationConfig
from ._content import TextMessageTermination as TextMessageTermination
from ._content import TextMessageTerminationConfig as TextMessageTerminationConfig

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
