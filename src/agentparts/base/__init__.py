"""Base types of agents and teams: the :class:`ChatAgent` and :class:`Team` interfaces,
run results, handoffs and termination conditions. (``Handoff``, which only agents that hand
off and the Swarm use, is loaded on first use.)"""

import importlib
from typing import TYPE_CHECKING, Any

from ._chat_agent import ChatAgent as ChatAgent
from ._task import Response as Response
from ._task import TaskResult as TaskResult
from ._task import TaskRunner as TaskRunner
from ._team import Team as Team
from ._termination import AndTerminationCondition as AndTerminationCondition
from ._termination import OrTerminationCondition as OrTerminationCondition
from ._termination import TerminatedException as TerminatedException
from ._termination import TerminationCondition as TerminationCondition

if TYPE_CHECKING:
    from ._handoff import Handoff as Handoff

__all__ = [
    "AndTerminationCondition",
    "ChatAgent",
    "Handoff",
    "OrTerminationCondition",
    "Response",
    "TaskResult",
    "TaskRunner",
    "Team",
    "TerminatedException",
    "TerminationCondition",
]


def __getattr__(name: str) -> Any:
    if name == "Handoff":
        value = importlib.import_module("._handoff", __name__).Handoff
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
