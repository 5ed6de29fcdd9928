"""Agents: :class:`AssistantAgent` (a model with tools, handoffs, memory and structured
output), :class:`CodeExecutorAgent` (runs the code blocks it receives or writes),
:class:`UserProxyAgent` (a person's turn), :class:`MessageFilterAgent` (shows an agent
only some messages) and :class:`SocietyOfMindAgent` (an inner team, one answer).

Build your own by deriving from :class:`BaseChatAgent`. Each agent's module is imported
on first use of its name, so ``from agentparts.agents import AssistantAgent`` loads only
what the assistant needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._approval import ApprovalFuncType as ApprovalFuncType
    from ._approval import ApprovalRequest as ApprovalRequest
    from ._approval import ApprovalResponse as ApprovalResponse
    from ._assistant_agent import AssistantAgent as AssistantAgent
    from ._base_chat_agent import BaseChatAgent as BaseChatAgent
    from ._code_executor_agent import CodeExecutorAgent as CodeExecutorAgent
    from ._message_filter_agent import MessageFilterAgent as MessageFilterAgent
    from ._message_filter_config import MessageFilterConfig as MessageFilterConfig
    from ._message_filter_config import PerSourceFilter as PerSourceFilter
    from ._society_of_mind_agent import SocietyOfMindAgent as SocietyOfMindAgent
    from ._user_proxy_agent import UserProxyAgent as UserProxyAgent

__all__ = [
    "ApprovalFuncType",
    "ApprovalRequest",
    "ApprovalResponse",
    "AssistantAgent",
    "BaseChatAgent",
    "CodeExecutorAgent",
    "MessageFilterAgent",
    "MessageFilterConfig",
    "PerSourceFilter",
    "SocietyOfMindAgent",
    "UserProxyAgent",
]

_LAZY_NAMES = {
    "ApprovalFuncType": "._approval",
    "ApprovalRequest": "._approval",
    "ApprovalResponse": "._approval",
    "AssistantAgent": "._assistant_agent",
    "BaseChatAgent": "._base_chat_agent",
    "CodeExecutorAgent": "._code_executor_agent",
    "MessageFilterAgent": "._message_filter_agent",
    "MessageFilterConfig": "._message_filter_config",
    "PerSourceFilter": "._message_filter_config",
    "SocietyOfMindAgent": "._society_of_mind_agent",
    "UserProxyAgent": "._user_proxy_agent",
}


__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
