"""MessageFilterAgent: shows the agent it wraps only some of the messages it gets."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

from .._cancellation_token import CancellationToken
from .._component import Component
from .._lazy import imported_on_read, lazy_package
from ..base import ChatAgent, Response
from ._base_chat_agent import BaseChatAgent

if TYPE_CHECKING:
    from ..messages import BaseAgentEvent, BaseChatMessage
    from ._message_filter_config import MessageFilterAgentConfig as MessageFilterAgentConfig
    from ._message_filter_config import MessageFilterConfig as MessageFilterConfig
    from ._message_filter_config import PerSourceFilter as PerSourceFilter

__all__ = [
    "MessageFilterAgent",
    "MessageFilterAgentConfig",
    "MessageFilterConfig",
    "PerSourceFilter",
]

# The filter and config classes are Pydantic models: imported on first use of their names
# (see _message_filter_config).
_CONFIG_MODULE = "agentparts.agents._message_filter_config"
__getattr__, __dir__ = lazy_package(
    __name__,
    {
        "MessageFilterAgentConfig": _CONFIG_MODULE,
        "MessageFilterConfig": _CONFIG_MODULE,
        "PerSourceFilter": _CONFIG_MODULE,
    },
    __all__,
)


class MessageFilterAgent(BaseChatAgent, Component["MessageFilterAgentConfig"]):
    """Wraps an agent and passes it only the messages its filter keeps.

    Each turn's new messages are filtered per source: for each :class:`PerSourceFilter`
    in order, the messages of that source (all, or the first or last ``count``). Messages
    of sources no filter names are dropped. Useful in graphs and loops, where an agent
    should see, say, only the task and the last reviewer comment.

    Args:
        name: The agent's name in the team.
        wrapped_agent: The agent that answers.
        filter: What it may see.

    Example:
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> from agentparts.agents import AssistantAgent, MessageFilterConfig, PerSourceFilter
        >>> inner = AssistantAgent("writer", ReplayChatCompletionClient(["ok"]))
        >>> writer = MessageFilterAgent(
        ...     "writer", inner,
        ...     MessageFilterConfig(per_source=[
        ...         PerSourceFilter(source="user", position="first", count=1),
        ...         PerSourceFilter(source="critic", position="last", count=1),
        ...     ]),
        ... )
    """

    component_config_schema = imported_on_read(_CONFIG_MODULE, "MessageFilterAgentConfig")
    component_provider_override = "agentparts.agents.MessageFilterAgent"

    def __init__(self, name: str, wrapped_agent: ChatAgent, filter: MessageFilterConfig) -> None:
        super().__init__(name, f"{wrapped_agent.description} (with message filtering)")
        self._wrapped = wrapped_agent
        self._filter = filter

    @property
    def wrapped_agent(self) -> ChatAgent:
        """The agent that answers."""
        return self._wrapped

    @property
    def filter(self) -> MessageFilterConfig:
        """What the wrapped agent may see."""
        return self._filter

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """What the wrapped agent produces."""
        return self._wrapped.produced_message_types

    def apply_filter(self, messages: Sequence[BaseChatMessage]) -> list[BaseChatMessage]:
        """The messages the wrapped agent sees, filter by filter."""
        kept: list[BaseChatMessage] = []
        for rule in self._filter.per_source:
            selected = [m for m in messages if m.source == rule.source]
            if rule.count:
                if rule.position == "first":
                    selected = selected[: rule.count]
                elif rule.position == "last":
                    selected = selected[-rule.count :]
            kept.extend(selected)
        return kept

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Filter, then let the wrapped agent answer."""
        return await self._wrapped.on_messages(self.apply_filter(messages), cancellation_token)

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[BaseAgentEvent | BaseChatMessage | Response, None]:
        """Filter, then stream the wrapped agent's turn."""
        stream = self._wrapped.on_messages_stream(self.apply_filter(messages), cancellation_token)
        try:
            async for item in stream:
                yield item
        finally:
            await stream.aclose()

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Reset the wrapped agent."""
        await self._wrapped.on_reset(cancellation_token)

    async def on_pause(self, cancellation_token: CancellationToken) -> None:
        """Pause the wrapped agent."""
        await self._wrapped.on_pause(cancellation_token)

    async def on_resume(self, cancellation_token: CancellationToken) -> None:
        """Resume the wrapped agent."""
        await self._wrapped.on_resume(cancellation_token)

    async def save_state(self) -> Mapping[str, Any]:
        """The wrapped agent's state."""
        return await self._wrapped.save_state()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore the wrapped agent's state."""
        await self._wrapped.load_state(state)

    async def close(self) -> None:
        """Close the wrapped agent."""
        await self._wrapped.close()

    def _to_config(self) -> MessageFilterAgentConfig:
        from ._message_filter_config import MessageFilterAgentConfig

        return MessageFilterAgentConfig(
            name=self.name,
            wrapped_agent=self._wrapped.dump_component(),
            filter=self._filter.model_copy(deep=True),
        )

    @classmethod
    def _from_config(cls, config: MessageFilterAgentConfig) -> Self:
        # The loaded agent owns its parts (its _from_config says so): close() releases them.
        wrapped = ChatAgent.load_component(config.wrapped_agent)
        return cls(config.name, wrapped, config.filter)
