"""Agents: :class:`AssistantAgent` (a model with tools, handoffs, memory and structured
output) and :class:`CodeExecutorAgent` (runs the code blocks it receives or writes).

Build your own by deriving from :class:`BaseChatAgent`.
"""

from ._assistant_agent import AssistantAgent as AssistantAgent
from ._base_chat_agent import BaseChatAgent as BaseChatAgent
from ._code_executor_agent import CodeExecutorAgent as CodeExecutorAgent

__all__ = [
    "AssistantAgent",
    "BaseChatAgent",
    "CodeExecutorAgent",
]
