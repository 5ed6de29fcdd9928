"""Base types of agents and teams: the :class:`ChatAgent` and :class:`Team` interfaces,
run results, handoffs and termination conditions."""

from ._chat_agent import ChatAgent as ChatAgent
from ._handoff import Handoff as Handoff
from ._task import Response as Response
from ._task import TaskResult as TaskResult
from ._task import TaskRunner as TaskRunner
from ._team import Team as Team
from ._termination import AndTerminationCondition as AndTerminationCondition
from ._termination import OrTerminationCondition as OrTerminationCondition
from ._termination import TerminatedException as TerminatedException
from ._termination import TerminationCondition as TerminationCondition

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
