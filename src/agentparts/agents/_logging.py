"""Agent messages and events as structured log events on ``EVENT_LOGGER_NAME``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .._constants import EVENT_LOGGER_NAME
from ..logging import Event
from ._turn_types import TurnTypes

if TYPE_CHECKING:
    from ..messages import BaseAgentEvent, BaseChatMessage

__all__ = ["AgentMessageEvent", "log_message"]

_logger = logging.getLogger(EVENT_LOGGER_NAME)


class AgentMessageEvent(Event):
    """An agent produced a message or an event: agent name and the message's saved form."""

    type = "AgentMessage"


def log_message(agent: str, message: BaseAgentEvent | BaseChatMessage) -> None:
    """Log ``message`` on the event logger, building nothing when nobody listens.

    Streaming chunks are logged at DEBUG level, everything else at INFO.
    """
    level = logging.DEBUG if isinstance(message, TurnTypes.chunk_event) else logging.INFO
    if _logger.isEnabledFor(level):
        _logger.log(level, AgentMessageEvent(agent=agent, message=dict(message.dump())))
