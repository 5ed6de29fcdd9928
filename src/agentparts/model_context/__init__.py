"""Model contexts: which messages of a conversation a model sees on each call.

:class:`UnboundedChatCompletionContext` shows everything; :class:`BufferedChatCompletionContext`
the last N messages; :class:`HeadAndTailChatCompletionContext` the first and last messages;
:class:`TokenLimitedChatCompletionContext` the latest messages that fit a token budget.

Each name is imported on first use; the contexts load without Pydantic's model machinery
(their configs, the messages and :class:`ChatCompletionContextState` are imported by the
first use that needs them).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_package as _lazy_package

if TYPE_CHECKING:
    from ._base import ChatCompletionContext as ChatCompletionContext
    from ._contexts import BufferedChatCompletionContext as BufferedChatCompletionContext
    from ._contexts import HeadAndTailChatCompletionContext as HeadAndTailChatCompletionContext
    from ._contexts import TokenLimitedChatCompletionContext as TokenLimitedChatCompletionContext
    from ._contexts import UnboundedChatCompletionContext as UnboundedChatCompletionContext
    from ._state import ChatCompletionContextState as ChatCompletionContextState

__all__ = [
    "BufferedChatCompletionContext",
    "ChatCompletionContext",
    "ChatCompletionContextState",
    "HeadAndTailChatCompletionContext",
    "TokenLimitedChatCompletionContext",
    "UnboundedChatCompletionContext",
]

_LAZY_NAMES = {
    "BufferedChatCompletionContext": "._contexts",
    "ChatCompletionContext": "._base",
    "ChatCompletionContextState": "._state",
    "HeadAndTailChatCompletionContext": "._contexts",
    "TokenLimitedChatCompletionContext": "._contexts",
    "UnboundedChatCompletionContext": "._contexts",
}

__getattr__, __dir__ = _lazy_package(__name__, _LAZY_NAMES, __all__)
