"""The agent runtime's exceptions at AutoGen's path (``autogen_core.exceptions``).

They live in :mod:`agentparts.errors`, the one exception hierarchy: each derives from
:class:`~agentparts.errors.AgentRuntimeError`.
"""

from .errors import CantHandleException as CantHandleException
from .errors import MessageDroppedException as MessageDroppedException
from .errors import MessageHandlerException as MessageHandlerException
from .errors import NotAccessibleError as NotAccessibleError
from .errors import UndeliverableException as UndeliverableException

__all__ = [
    "CantHandleException",
    "MessageDroppedException",
    "MessageHandlerException",
    "NotAccessibleError",
    "UndeliverableException",
]
