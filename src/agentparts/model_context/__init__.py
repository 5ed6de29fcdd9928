"""Model contexts: which messages of a conversation a model sees on each call.

:class:`UnboundedChatCompletionContext` shows everything; :class:`BufferedChatCompletionContext`
the last N messages; :class:`HeadAndTailChatCompletionContext` the first and last messages;
:class:`TokenLimitedChatCompletionContext` the latest messages that fit a token budget.
"""

from ._base import ChatCompletionContext as ChatCompletionContext
from ._base import ChatCompletionContextState as ChatCompletionContextState
from ._contexts import BufferedChatCompletionContext as BufferedChatCompletionContext
from ._contexts import HeadAndTailChatCompletionContext as HeadAndTailChatCompletionContext
from ._contexts import TokenLimitedChatCompletionContext as TokenLimitedChatCompletionContext
from ._contexts import UnboundedChatCompletionContext as UnboundedChatCompletionContext

__all__ = [
    "BufferedChatCompletionContext",
    "ChatCompletionContext",
    "ChatCompletionContextState",
    "HeadAndTailChatCompletionContext",
    "TokenLimitedChatCompletionContext",
    "UnboundedChatCompletionContext",
]
