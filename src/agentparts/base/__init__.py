"""Base types of agents and teams: the :class:`ChatAgent` and :class:`Team` interfaces,
run results, handoffs and termination conditions.

The interfaces load without Pydantic's model machinery; :class:`TaskResult` and
:class:`Handoff` (Pydantic models) are imported on first use of their names.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package
from ._chat_agent import ChatAgent as ChatAgent
from ._runner import Response as Response
from ._runner import TaskRunner as TaskRunner
from ._team import Team as Team
from ._termination import AndTerminationCondition as AndTerminationCondition
from ._termination import OrTerminationCondition as OrTerminationCondition
from ._termination import TerminatedException as TerminatedException
from ._termination import TerminationCondition as TerminationCondition

if TYPE_CHECKING:
    from ._handoff import Handoff as Handoff
    from ._task import TaskResult as TaskResult

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

_LAZY_NAMES = {
    "Handoff": "._handoff",
    "TaskResult": "._task",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
