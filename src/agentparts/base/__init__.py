"""Base types of agents: the :class:`ChatAgent` interface, run results, handoffs and
termination conditions."""

from ._chat_agent import ChatAgent as ChatAgent
from ._handoff import Handoff as Handoff
from ._task import Response as Response
from ._task import TaskResult as TaskResult
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
    "TerminatedException",
    "TerminationCondition",
]
