"""The ``ChatCompletionClient`` interface that every model client implements."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from .._cancellation_token import CancellationToken
from .._component import ComponentBase
from ..errors import ModelInfoRequiredError
from ._model_info import ModelCapabilities, ModelInfo

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..tools import Tool, ToolSchema
    from ._types import CreateResult, LLMMessage, RequestUsage

__all__ = ["ChatCompletionClient", "count_tokens_compat", "remaining_tokens_compat"]


class ChatCompletionClient(ComponentBase["BaseModel"], ABC):
    """A client for a chat model: send messages, get a :class:`CreateResult`.

    A subclass implements :meth:`create`, :meth:`create_stream` and :meth:`count_tokens`.
    Everything else has a default: :meth:`close` does nothing, usage is added up from
    what the subclass records with :meth:`_record_usage`, :attr:`model_info` comes from
    :attr:`capabilities` (and the reverse), and :meth:`remaining_tokens` uses
    ``model_info["context_window"]``.

    Example:
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> client = ReplayChatCompletionClient(["Hello!"])
    """

    component_type: ClassVar[Literal["model"]] = "model"  # pyright: ignore[reportIncompatibleVariableOverride]

    @abstractmethod
    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """Ask the model for one answer.

        Args:
            messages: The conversation so far.
            tools: Tools the model may call.
            tool_choice: ``"auto"``, ``"required"``, ``"none"`` or one tool to call.
            json_output: ``True`` for JSON mode, or a Pydantic model type for structured
                output following its JSON schema.
            extra_create_args: Extra request fields passed to the endpoint as they are.
            cancellation_token: Cancels the call (and aborts the request).

        Returns:
            The answer: text or tool calls, usage, finish reason.
        """
        ...

    @abstractmethod
    def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Ask the model for one answer, streamed.

        Yields text chunks as they arrive, then exactly one final :class:`CreateResult`.
        Arguments are those of :meth:`create`.
        """
        ...

    @abstractmethod
    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """The number of prompt tokens ``messages`` (and ``tools``) would use."""
        ...

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """Tokens left in the context window after ``messages`` (and ``tools``).

        Raises:
            ModelInfoRequiredError: The context window is unknown: give
                ``model_info["context_window"]``.
        """
        window = self.model_info.get("context_window")
        if window is None:
            raise ModelInfoRequiredError(
                f"{type(self).__name__} does not know the context window of model "
                f"{self.model!r}, so it cannot count the remaining tokens. Give "
                "model_info={..., 'context_window': <tokens>} when creating the client."
            )
        return window - count_tokens_compat(self, messages, tools)

    async def close(self) -> None:
        """Release the client's resources (connections). The default does nothing."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _record_usage(self, usage: RequestUsage, *, cached: bool = False) -> None:
        """Add one call's usage to the totals (``cached`` calls count in the total only)."""
        total = self._usage_totals()
        total[0].prompt_tokens += usage.prompt_tokens
        total[0].completion_tokens += usage.completion_tokens
        if not cached:
            total[1].prompt_tokens += usage.prompt_tokens
            total[1].completion_tokens += usage.completion_tokens

    def _usage_totals(self) -> tuple[RequestUsage, RequestUsage]:
        # Created on first use: subclasses following the guide never call our __init__.
        totals: tuple[RequestUsage, RequestUsage] | None = vars(self).get("_agentparts_usage")
        if totals is None:
            from ._types import RequestUsage

            totals = (RequestUsage(0, 0), RequestUsage(0, 0))
            vars(self)["_agentparts_usage"] = totals
        return totals

    def _reset_usage(self) -> None:
        vars(self).pop("_agentparts_usage", None)

    def total_usage(self) -> RequestUsage:
        """Tokens used by every call so far, cached answers included."""
        from ._types import RequestUsage

        usage = self._usage_totals()[0]
        return RequestUsage(usage.prompt_tokens, usage.completion_tokens)

    def actual_usage(self) -> RequestUsage:
        """Tokens used by calls that reached the model (cached answers excluded)."""
        from ._types import RequestUsage

        usage = self._usage_totals()[1]
        return RequestUsage(usage.prompt_tokens, usage.completion_tokens)

    @property
    def model(self) -> str:
        """The model name (the default reads ``self._model``, else the class name)."""
        name = vars(self).get("_model")
        return name if isinstance(name, str) else type(self).__name__

    @property
    def capabilities(self) -> ModelCapabilities:
        """What the model can do (the default is taken from :attr:`model_info`)."""
        if _overrides(type(self), "model_info"):
            info = self.model_info
            return ModelCapabilities(
                vision=info["vision"],
                function_calling=info["function_calling"],
                json_output=info["json_output"],
            )
        return ModelCapabilities(vision=False, function_calling=False, json_output=False)

    @property
    def model_info(self) -> ModelInfo:
        """What the model can do (the default is taken from :attr:`capabilities`)."""
        if _overrides(type(self), "capabilities"):
            caps = self.capabilities
            return ModelInfo(
                vision=bool(caps.get("vision", False)),
                function_calling=bool(caps.get("function_calling", False)),
                json_output=bool(caps.get("json_output", False)),
                family="unknown",
                structured_output=False,
            )
        return ModelInfo(
            vision=False,
            function_calling=False,
            json_output=False,
            family="unknown",
            structured_output=False,
        )


def _overrides(cls: type, name: str) -> bool:
    return getattr(cls, name) is not getattr(ChatCompletionClient, name)


_accepts_tools_cache: dict[tuple[type, str], bool] = {}


def _accepts_tools(client: object, method: str) -> bool:
    key = (type(client), method)
    accepted = _accepts_tools_cache.get(key)
    if accepted is None:
        try:
            parameters = inspect.signature(getattr(client, method)).parameters
        except (TypeError, ValueError):
            accepted = True
        else:
            accepted = "tools" in parameters or any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
            )
        _accepts_tools_cache[key] = accepted
    return accepted


def count_tokens_compat(
    client: ChatCompletionClient,
    messages: Sequence[LLMMessage],
    tools: Sequence[Tool | ToolSchema] = (),
) -> int:
    """``client.count_tokens(messages, tools=tools)``, also for clients without ``tools=``.

    Clients written from the extension guide define ``count_tokens(self, messages)``;
    for those the tools are left out of the count.
    """
    if tools and _accepts_tools(client, "count_tokens"):
        return client.count_tokens(messages, tools=tools)
    return client.count_tokens(messages)


def remaining_tokens_compat(
    client: ChatCompletionClient,
    messages: Sequence[LLMMessage],
    tools: Sequence[Tool | ToolSchema] = (),
) -> int:
    """``client.remaining_tokens(messages, tools=tools)``, also for clients without ``tools=``."""
    if tools and _accepts_tools(client, "remaining_tokens"):
        return client.remaining_tokens(messages, tools=tools)
    return client.remaining_tokens(messages)
