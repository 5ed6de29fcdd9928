"""Agents: :class:`AssistantAgent` (a model with tools, handoffs, memory and structured
output), :class:`CodeExecutorAgent` (runs the code blocks it receives or writes),
:class:`UserProxyAgent` (a person's turn), :class:`MessageFilterAgent` (shows an agent
only some messages) and :class:`SocietyOfMindAgent` (an inner team, one answer).

Build your own by deriving from :class:`BaseChatAgent`.
"""

from ._assistant_agent import AssistantAgent as AssistantAgent
from ._base_chat_agent import BaseChatAgent as BaseChatAgent
from ._code_executor_agent import CodeExecutorAgent as CodeExecutorAgent
from ._message_filter_agent import MessageFilterAgent as MessageFilterAgent
from ._message_filter_agent import MessageFilterConfig as MessageFilterConfig
from ._message_filter_agent import PerSourceFilter as PerSourceFilter
from ._society_of_mind_agent import SocietyOfMindAgent as SocietyOfMindAgent
from ._user_proxy_agent import UserProxyAgent as UserProxyAgent

__all__ = [
    "AssistantAgent",
    "BaseChatAgent",
    "CodeExecutorAgent",
    "MessageFilterAgent",
    "MessageFilterConfig",
    "PerSourceFilter",
    "SocietyOfMindAgent",
    "UserProxyAgent",
]
