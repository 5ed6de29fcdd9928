"""The built-in model contexts: unbounded, buffered, head-and-tail, token-limited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

from .._component import Component
from .._lazy import imported_on_read
from ._base import ChatCompletionContext, drop_leading_results

# The configs and the messages are Pydantic models, imported on first use (see
# _contexts_config).
if TYPE_CHECKING:
    from ..models import ChatCompletionClient, LLMMessage
    from ._contexts_config import (
        BufferedChatCompletionContextConfig,
        HeadAndTailChatCompletionContextConfig,
        TokenLimitedChatCompletionContextConfig,
        UnboundedChatCompletionContextConfig,
    )

__all__ = [
    "BufferedChatCompletionContext",
    "HeadAndTailChatCompletionContext",
    "TokenLimitedChatCompletionContext",
    "UnboundedChatCompletionContext",
]


class UnboundedChatCompletionContext(
    ChatCompletionContext, Component["UnboundedChatCompletionContextConfig"]
):
    """The model sees every message.

    Example:
        >>> import asyncio
        >>> from agentparts.models import UserMessage
        >>> ctx = UnboundedChatCompletionContext()
        >>> asyncio.run(ctx.add_message(UserMessage(content="hi", source="user")))
        >>> len(asyncio.run(ctx.get_messages()))
        1
    """

    component_config_schema = imported_on_read(
        "agentparts.model_context._contexts_config", "UnboundedChatCompletionContextConfig"
    )
    component_provider_override = "agentparts.model_context.UnboundedChatCompletionContext"

    async def get_messages(self) -> list[LLMMessage]:
        """Every message (a new list)."""
        return list(self._messages)

    def _to_config(self) -> UnboundedChatCompletionContextConfig:
        return self.component_config_schema(initial_messages=self._initial_messages or None)

    @classmethod
    def _from_config(cls, config: UnboundedChatCompletionContextConfig) -> Self:
        return cls(initial_messages=config.initial_messages)


class BufferedChatCompletionContext(
    ChatCompletionContext, Component["BufferedChatCompletionContextConfig"]
):
    """The model sees the last ``buffer_size`` messages.

    A tool result whose call fell out of the window is dropped too.

    Args:
        buffer_size: How many of the latest messages the model sees.
        initial_messages: Messages to start with.
    """

    component_config_schema = imported_on_read(
        "agentparts.model_context._contexts_config", "BufferedChatCompletionContextConfig"
    )
    component_provider_override = "agentparts.model_context.BufferedChatCompletionContext"

    def __init__(
        self, buffer_size: int, initial_messages: Sequence[LLMMessage] | None = None
    ) -> None:
        super().__init__(initial_messages)
        if buffer_size <= 0:
            raise ValueError(f"buffer_size must be at least 1, got {buffer_size}.")
        self._buffer_size = buffer_size

    async def get_messages(self) -> list[LLMMessage]:
        """The last ``buffer_size`` messages."""
        return drop_leading_results(self._messages[-self._buffer_size :])

    def _to_config(self) -> BufferedChatCompletionContextConfig:
        return self.component_config_schema(
            buffer_size=self._buffer_size, initial_messages=self._initial_messages or None
        )

    @classmethod
    def _from_config(cls, config: BufferedChatCompletionContextConfig) -> Self:
        return cls(config.buffer_size, config.initial_messages)


class HeadAndTailChatCompletionContext(
    ChatCompletionContext, Component["HeadAndTailChatCompletionContextConfig"]
):
    """The model sees the first ``head_size`` and the last ``tail_size`` messages.

    A user message saying how many messages were skipped sits between them. Tool calls and
    their results are never split between head and gap.

    Args:
        head_size: How many of the first messages the model sees.
        tail_size: How many of the latest messages the model sees.
        initial_messages: Messages to start with.
    """

    component_config_schema = imported_on_read(
        "agentparts.model_context._contexts_config", "HeadAndTailChatCompletionContextConfig"
    )
    component_provider_override = "agentparts.model_context.HeadAndTailChatCompletionContext"

    def __init__(
        self, head_size: int, tail_size: int, initial_messages: Sequence[LLMMessage] | None = None
    ) -> None:
        super().__init__(initial_messages)
        if head_size <= 0 or tail_size <= 0:
            raise ValueError(
                f"head_size and tail_size must be at least 1, got {head_size} and {tail_size}."
            )
        self._head_size = head_size
        self._tail_size = tail_size

    async def get_messages(self) -> list[LLMMessage]:
        """Head, a note on the skipped messages, tail."""
        from ..models import AssistantMessage, UserMessage

        messages = self._messages
        if len(messages) <= self._head_size + self._tail_size:
            return list(messages)
        head = messages[: self._head_size]
        # A head that ends with tool calls would lose their results to the gap.
        if isinstance(head[-1], AssistantMessage) and isinstance(head[-1].content, list):
            head = head[:-1]
        tail = drop_leading_results(messages[-self._tail_size :])
        skipped = len(messages) - len(head) - len(tail)
        if skipped <= 0:
            return head + tail
        note = UserMessage(content=f"Skipped {skipped} messages.", source="System")
        return [*head, note, *tail]

    def _to_config(self) -> HeadAndTailChatCompletionContextConfig:
        return self.component_config_schema(
            head_size=self._head_size,
            tail_size=self._tail_size,
            initial_messages=self._initial_messages or None,
        )

    @classmethod
    def _from_config(cls, config: HeadAndTailChatCompletionContextConfig) -> Self:
        return cls(config.head_size, config.tail_size, config.initial_messages)


class TokenLimitedChatCompletionContext(
    ChatCompletionContext, Component["TokenLimitedChatCompletionContextConfig"]
):
    """The model sees the latest messages that fit in a token budget.

    Leading system messages are always kept; the oldest other messages are dropped first,
    and a tool result is never kept without its call. Works with clients whose
    ``count_tokens`` / ``remaining_tokens`` take no ``tools=`` argument.

    Args:
        model_client: The client whose ``count_tokens`` measures the messages.
        token_limit: The budget. Without one, the client's ``remaining_tokens`` must stay
            non-negative.
        tool_schema: Tool schemas counted with the messages.
        initial_messages: Messages to start with.
    """

    component_config_schema = imported_on_read(
        "agentparts.model_context._contexts_config", "TokenLimitedChatCompletionContextConfig"
    )
    component_provider_override = "agentparts.model_context.TokenLimitedChatCompletionContext"

    def __init__(
        self,
        model_client: ChatCompletionClient,
        *,
        token_limit: int | None = None,
        tool_schema: Sequence[Any] | None = None,
        initial_messages: Sequence[LLMMessage] | None = None,
    ) -> None:
        super().__init__(initial_messages)
        if token_limit is not None and token_limit <= 0:
            raise ValueError(f"token_limit must be positive, got {token_limit}.")
        self._model_client = model_client
        self._token_limit = token_limit
        self._tool_schema: list[Any] = list(tool_schema) if tool_schema else []

    def _over_budget(self, messages: list[LLMMessage]) -> bool:
        from ..models import count_tokens_compat, remaining_tokens_compat

        if self._token_limit is None:
            return (
                remaining_tokens_compat(self._model_client, messages, tools=self._tool_schema) < 0
            )
        return (
            count_tokens_compat(self._model_client, messages, tools=self._tool_schema)
            > self._token_limit
        )

    async def get_messages(self) -> list[LLMMessage]:
        """The latest messages that fit, after the leading system messages."""
        from ..models import SystemMessage

        messages = list(self._messages)
        if not self._over_budget(messages):
            return messages
        keep = 0
        while keep < len(messages) and isinstance(messages[keep], SystemMessage):
            keep += 1
        head, rest = messages[:keep], messages[keep:]
        # Binary search for the smallest cut that fits: counting is the slow part.
        low, high = 0, len(rest)
        while low < high:
            mid = (low + high) // 2
            if self._over_budget(head + drop_leading_results(rest[mid:])):
                low = mid + 1
            else:
                high = mid
        return head + drop_leading_results(rest[low:])

    def _to_config(self) -> TokenLimitedChatCompletionContextConfig:
        return self.component_config_schema(
            model_client=self._model_client.dump_component(),
            token_limit=self._token_limit,
            tool_schema=[dict(s) for s in self._tool_schema] or None,
            initial_messages=self._initial_messages or None,
        )

    @classmethod
    def _from_config(cls, config: TokenLimitedChatCompletionContextConfig) -> Self:
        from ..models import ChatCompletionClient

        client = ChatCompletionClient.load_component(config.model_client)
        return cls(
            client,
            token_limit=config.token_limit,
            tool_schema=config.tool_schema,
            initial_messages=config.initial_messages,
        )
