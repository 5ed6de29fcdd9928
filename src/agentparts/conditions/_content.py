"""Termination conditions that look at what the messages say or who sent them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from .._component import Component
from .._lazy import imported_on_read
from ..base import TerminatedException, TerminationCondition

if TYPE_CHECKING:
    from ..messages import (
        BaseAgentEvent,
        BaseChatMessage,
        HandoffMessage,
        StopMessage,
        TextMessage,
        ToolCallExecutionEvent,
    )
    from ._content_config import (
        FunctionCallTerminationConfig,
        HandoffTerminationConfig,
        SourceMatchTerminationConfig,
        StopMessageTerminationConfig,
        TextMentionTerminationConfig,
        TextMessageTerminationConfig,
    )

    Messages = Sequence[BaseAgentEvent | BaseChatMessage]

__all__ = [
    "FunctionCallTermination",
    "HandoffTermination",
    "SourceMatchTermination",
    "StopMessageTermination",
    "TextMentionTermination",
    "TextMessageTermination",
]


def stop(content: str, source: str) -> StopMessage:
    """The stop message a condition returns."""
    from .._construct import construct
    from ..messages import StopMessage

    return construct(StopMessage, content=content, source=source)


class _Latched(TerminationCondition):
    """A condition that, once met, stays met until :meth:`reset`."""

    def __init__(self) -> None:
        self._terminated = False

    @property
    def terminated(self) -> bool:
        """Whether the condition was met (until :meth:`reset`)."""
        return self._terminated

    async def __call__(self, messages: Messages) -> StopMessage | None:
        """Look at the new messages; a ``StopMessage`` means stop.

        Raises:
            TerminatedException: the condition was met already and not reset.
        """
        if self._terminated:
            raise TerminatedException(
                f"{type(self).__name__} was already met: call reset() before using it again."
            )
        found = self._check(messages)
        if found is not None:
            self._terminated = True
        return found

    def _check(self, messages: Messages) -> StopMessage | None:
        raise NotImplementedError

    async def reset(self) -> None:
        """Start over: the condition is not met."""
        self._terminated = False

    async def save_state(self) -> Mapping[str, Any]:
        """Whether the condition was met (it matters inside an ``&`` combination)."""
        return {"terminated": self._terminated}

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore whether the condition was met."""
        self._terminated = bool(state.get("terminated", False))


class StopMessageTermination(_Latched, Component["StopMessageTerminationConfig"]):
    """Stops when an agent sends a :class:`~agentparts.messages.StopMessage`."""

    component_config_schema = imported_on_read(
        "agentparts.conditions._content_config", "StopMessageTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.StopMessageTermination"
    # The message class a check needs is a class attribute imported on first read (this
    # module loads without the message models); cheaper than a local import on every call.
    _stop_message: ClassVar[type[StopMessage]] = imported_on_read(
        "agentparts.messages", "StopMessage"
    )

    def _check(self, messages: Messages) -> StopMessage | None:
        for message in messages:
            if isinstance(message, self._stop_message):
                return stop("Stop message received", "StopMessageTermination")
        return None

    def _to_config(self) -> StopMessageTerminationConfig:
        from ._content_config import StopMessageTerminationConfig

        return StopMessageTerminationConfig()

    @classmethod
    def _from_config(cls, config: StopMessageTerminationConfig) -> Self:
        return cls()


class TextMentionTermination(_Latched, Component["TextMentionTerminationConfig"]):
    """Stops when a message or event contains ``text`` (in its ``to_text()``).

    Args:
        text: The text to look for, for example ``"TERMINATE"``.
        sources: Only look at messages from these agents (all when ``None``).

    Example:
        >>> condition = TextMentionTermination("APPROVE", sources=["reviewer"])
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._content_config", "TextMentionTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.TextMentionTermination"

    def __init__(self, text: str, sources: Sequence[str] | None = None) -> None:
        super().__init__()
        if not text:
            raise ValueError("TextMentionTermination needs a non-empty text to look for.")
        self._text = text
        self._sources = None if sources is None else frozenset(sources)

    def _check(self, messages: Messages) -> StopMessage | None:
        for message in messages:
            if self._sources is not None and message.source not in self._sources:
                continue
            if self._text in message.to_text():
                return stop(f"Text '{self._text}' mentioned", "TextMentionTermination")
        return None

    def _to_config(self) -> TextMentionTerminationConfig:
        from ._content_config import TextMentionTerminationConfig

        sources = None if self._sources is None else sorted(self._sources)
        return TextMentionTerminationConfig(text=self._text, sources=sources)

    @classmethod
    def _from_config(cls, config: TextMentionTerminationConfig) -> Self:
        return cls(text=config.text, sources=config.sources)


class HandoffTermination(_Latched, Component["HandoffTerminationConfig"]):
    """Stops when an agent hands off to ``target`` (often ``"user"``, to ask a person).

    Args:
        target: The name in :attr:`HandoffMessage.target` that stops the run.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._content_config", "HandoffTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.HandoffTermination"
    _handoff_message: ClassVar[type[HandoffMessage]] = imported_on_read(
        "agentparts.messages", "HandoffMessage"
    )

    def __init__(self, target: str) -> None:
        super().__init__()
        self._target = target

    def _check(self, messages: Messages) -> StopMessage | None:
        for message in messages:
            if isinstance(message, self._handoff_message) and message.target == self._target:
                return stop(
                    f"Handoff to {self._target} from {message.source} detected.",
                    "HandoffTermination",
                )
        return None

    def _to_config(self) -> HandoffTerminationConfig:
        from ._content_config import HandoffTerminationConfig

        return HandoffTerminationConfig(target=self._target)

    @classmethod
    def _from_config(cls, config: HandoffTerminationConfig) -> Self:
        return cls(target=config.target)


class SourceMatchTermination(_Latched, Component["SourceMatchTerminationConfig"]):
    """Stops as soon as one of ``sources`` has spoken (a message or an event).

    Args:
        sources: Agent names.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._content_config", "SourceMatchTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.SourceMatchTermination"

    def __init__(self, sources: Sequence[str]) -> None:
        super().__init__()
        self._sources = list(sources)

    def _check(self, messages: Messages) -> StopMessage | None:
        for message in messages:
            if message.source in self._sources:
                return stop(f"'{message.source}' answered", "SourceMatchTermination")
        return None

    def _to_config(self) -> SourceMatchTerminationConfig:
        from ._content_config import SourceMatchTerminationConfig

        return SourceMatchTerminationConfig(sources=list(self._sources))

    @classmethod
    def _from_config(cls, config: SourceMatchTerminationConfig) -> Self:
        return cls(sources=config.sources)


class TextMessageTermination(_Latched, Component["TextMessageTerminationConfig"]):
    """Stops at the first :class:`~agentparts.messages.TextMessage` (from ``source``).

    Useful with agents that call tools: tool-call turns do not stop the run, the first
    plain answer does.

    Args:
        source: The agent whose text message stops the run (any agent when ``None``).
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._content_config", "TextMessageTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.TextMessageTermination"
    _text_message: ClassVar[type[TextMessage]] = imported_on_read(
        "agentparts.messages", "TextMessage"
    )

    def __init__(self, source: str | None = None) -> None:
        super().__init__()
        self._source = source

    def _check(self, messages: Messages) -> StopMessage | None:
        for message in messages:
            if isinstance(message, self._text_message) and self._source in (None, message.source):
                return stop(
                    f"Text message received from '{message.source}'", "TextMessageTermination"
                )
        return None

    def _to_config(self) -> TextMessageTerminationConfig:
        from ._content_config import TextMessageTerminationConfig

        return TextMessageTerminationConfig(source=self._source)

    @classmethod
    def _from_config(cls, config: TextMessageTerminationConfig) -> Self:
        return cls(source=config.source)


class FunctionCallTermination(_Latched, Component["FunctionCallTerminationConfig"]):
    """Stops once a tool named ``function_name`` was executed (a ``ToolCallExecutionEvent``).

    Args:
        function_name: The tool's name, for example ``"approve"``.
    """

    component_config_schema = imported_on_read(
        "agentparts.conditions._content_config", "FunctionCallTerminationConfig"
    )
    component_provider_override = "agentparts.conditions.FunctionCallTermination"
    _tool_call_execution_event: ClassVar[type[ToolCallExecutionEvent]] = imported_on_read(
        "agentparts.messages", "ToolCallExecutionEvent"
    )

    def __init__(self, function_name: str) -> None:
        super().__init__()
        self._function_name = function_name

    def _check(self, messages: Messages) -> StopMessage | None:
        for message in messages:
            if not isinstance(message, self._tool_call_execution_event):
                continue
            if any(result.name == self._function_name for result in message.content):
                return stop(
                    f"Function '{self._function_name}' was executed.", "FunctionCallTermination"
                )
        return None

    def _to_config(self) -> FunctionCallTerminationConfig:
        from ._content_config import FunctionCallTerminationConfig

        return FunctionCallTerminationConfig(function_name=self._function_name)

    @classmethod
    def _from_config(cls, config: FunctionCallTerminationConfig) -> Self:
        return cls(function_name=config.function_name)
