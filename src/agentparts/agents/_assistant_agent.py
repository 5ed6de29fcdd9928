"""AssistantAgent: a model with tools, handoffs, memory and structured output."""

from __future__ import annotations

import warnings
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self, TypeAlias, cast

from pydantic_core import ValidationError

from .._cancellation_token import CancellationToken, CancelScope
from .._component import Component
from .._construct import construct
from .._function_call import FunctionCall
from .._ids import new_uuid4
from .._lazy import imported_on_read, lazy_package
from ..base import Response
from ..errors import StructuredOutputError
from ._assistant_steps import (
    ToolSet,
    call_model,
    handoff_context,
    run_tool_calls,
    summarize_tool_calls,
    without_images,
)
from ._base_chat_agent import BaseChatAgent
from ._release import release_parts
from ._telemetry import agent_span
from ._turn_types import TurnTypes

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .._capabilities import Capability
    from ..base import Handoff
    from ..memory import Memory
    from ..messages import BaseAgentEvent, BaseChatMessage, ModelClientStreamingChunkEvent
    from ..model_context import ChatCompletionContext
    from ..models import ChatCompletionClient, CreateResult, FunctionExecutionResult, LLMMessage
    from ..tools import Tool, Workbench
    from ._assistant_config import AssistantAgentConfig
    from ._assistant_steps import SummaryFormatter

__all__ = ["AssistantAgent"]

DEFAULT_DESCRIPTION = "An agent that provides assistance with ability to use tools."
DEFAULT_SYSTEM_MESSAGE = (
    "You are a helpful AI assistant. Solve tasks using your tools. Reply with TERMINATE "
    "when the task has been completed."
)

# Messages, model types and the config are Pydantic models, imported on first use (in the
# functions that need them), so that importing the agent does not load Pydantic's model
# machinery. The config class stays importable from here, as in AutoGen.
__getattr__, __dir__ = lazy_package(
    __name__, {"AssistantAgentConfig": "agentparts.agents._assistant_config"}, __all__
)

Event: TypeAlias = "BaseAgentEvent | BaseChatMessage"


class AssistantAgent(BaseChatAgent, Component["AssistantAgentConfig"]):
    """An agent that answers with a model, calling tools and handing off as the model asks.

    One turn: recall memory into the model context, call the model; while the model asks
    for tools (up to ``max_tool_iterations`` rounds), run the calls of each round
    concurrently and call the model again. A failing tool (bad JSON arguments, unknown
    name, an exception, a timeout) gives the model an error result instead of ending the
    run. The turn ends with the model's text (a ``TextMessage``, or a ``StructuredMessage``
    with ``output_content_type``), a reflection on the tool results
    (``reflect_on_tool_use``), a ``ToolCallSummaryMessage`` covering every round, or a
    ``HandoffMessage``.

    Args:
        name: The agent's name, a Python identifier.
        model_client: The model to use.
        tools: Tools (``BaseTool`` or plain functions, wrapped in ``FunctionTool``).
        workbench: A workbench, or several, providing the tools instead of ``tools``.
        handoffs: Agents this agent may hand over to (``Handoff`` or a target name).
        model_context: What the model sees; unbounded by default.
        description: What the agent does, for other agents.
        system_message: The system message; ``None`` for none.
        model_client_stream: Stream the model's answers (``ModelClientStreamingChunkEvent``).
        reflect_on_tool_use: Call the model once more after the tools to write the answer.
            Defaults to True with ``output_content_type``, else False.
        tool_call_summary_format: Format of each line of a ``ToolCallSummaryMessage``, with
            ``{tool_name}``, ``{arguments}``, ``{result}`` and ``{is_error}``.
        tool_call_summary_formatter: A function ``(call, result) -> str`` used instead.
        output_content_type: A pydantic model class: the model is asked for it, and the
            answer is a ``StructuredMessage`` of it.
        output_content_type_format: ``str.format`` template for the structured answer's text.
        max_tool_iterations: How many rounds of tool calls a turn may run (at least 1).
        memory: Memories recalled into the model context before each model call.
        metadata: String metadata describing the agent.
        tool_call_timeout: Seconds a tool call may take before it is stopped and reported
            to the model as an error; no limit by default.

    Example:
        >>> import asyncio
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> agent = AssistantAgent("helper", ReplayChatCompletionClient(["Hi there!"]))
        >>> asyncio.run(agent.run(task="Hello")).messages[-1].to_text()
        'Hi there!'
    """

    component_config_schema = imported_on_read(
        "agentparts.agents._assistant_config", "AssistantAgentConfig"
    )
    component_provider_override = "agentparts.agents.AssistantAgent"
    component_version = 2

    def __init__(
        self,
        name: str,
        model_client: ChatCompletionClient,
        *,
        tools: Sequence[Tool | Callable[..., Any] | Callable[..., Awaitable[Any]]] | None = None,
        workbench: Workbench | Sequence[Workbench] | None = None,
        handoffs: Sequence[Handoff | str] | None = None,
        model_context: ChatCompletionContext | None = None,
        description: str = DEFAULT_DESCRIPTION,
        system_message: str | None = DEFAULT_SYSTEM_MESSAGE,
        model_client_stream: bool = False,
        reflect_on_tool_use: bool | None = None,
        tool_call_summary_format: str = "{result}",
        tool_call_summary_formatter: SummaryFormatter | None = None,
        output_content_type: type[BaseModel] | None = None,
        output_content_type_format: str | None = None,
        max_tool_iterations: int = 1,
        memory: Sequence[Memory] | None = None,
        metadata: Mapping[str, str] | None = None,
        tool_call_timeout: float | None = None,
    ) -> None:
        super().__init__(name=name, description=description)
        if max_tool_iterations < 1:
            raise ValueError(f"max_tool_iterations must be at least 1, got {max_tool_iterations}.")
        if tools and workbench is not None:
            raise ValueError(
                "Give tools or workbench, not both: put the tools into the workbench instead."
            )
        self._set_model(model_client, system_message, model_client_stream)
        self._set_output(output_content_type, output_content_type_format, reflect_on_tool_use)
        self._tool_call_summary_format = tool_call_summary_format
        self._tool_call_summary_formatter = tool_call_summary_formatter
        self._max_tool_iterations = max_tool_iterations
        self._tool_call_timeout = tool_call_timeout
        self._metadata = dict(metadata) if metadata else {}
        self._memory = list(memory) if memory else []
        self._agent_id = new_uuid4()
        self._set_tools(tools, workbench, handoffs)
        if model_context is None:
            from ..model_context import UnboundedChatCompletionContext

            model_context = UnboundedChatCompletionContext()
        self._model_context: ChatCompletionContext = model_context

    def _set_model(
        self, model_client: ChatCompletionClient, system_message: str | None, stream: bool
    ) -> None:
        if system_message is not None and not isinstance(system_message, str):
            raise TypeError(
                f"system_message must be a string or None, got {type(system_message).__name__}."
            )
        self._model_client = model_client
        self._system_messages: list[LLMMessage] = []
        if system_message:
            from ..models import SystemMessage

            self._system_messages = [construct(SystemMessage, content=system_message)]
        self._system_message = system_message
        self._model_client_stream = stream
        self._vision = bool(model_client.model_info.get("vision", False))

    def _set_output(
        self,
        output_content_type: type[BaseModel] | None,
        output_content_type_format: str | None,
        reflect_on_tool_use: bool | None,
    ) -> None:
        self._output_content_type = output_content_type
        self._output_content_type_format = output_content_type_format
        self._structured_message_class: Any = None
        if output_content_type:
            from ..messages import StructuredMessage

            self._structured_message_class = cast(Any, StructuredMessage)[output_content_type]
        self._reflect_on_tool_use = (
            reflect_on_tool_use
            if reflect_on_tool_use is not None
            else output_content_type is not None
        )

    def _set_tools(
        self,
        tools: Sequence[Any] | None,
        workbench: Workbench | Sequence[Workbench] | None,
        handoffs: Sequence[Handoff | str] | None,
    ) -> None:
        """Tools and workbenches, handoffs, and what the model is offered."""
        handoff_map = _handoff_map(handoffs) if handoffs else {}
        self._handoffs = handoff_map
        self._tools: list[Any] = [_as_tool(t) for t in tools] if tools else []
        if self._tools:
            _check_tool_names(self._tools, handoff_map)
        self._workbenches: list[Any] = []
        if workbench is None:
            if self._tools:
                from ..tools import StaticStreamWorkbench

                self._workbenches = [StaticStreamWorkbench(self._tools)]
            self._own_workbench = True
            self._toolset = ToolSet(self._workbenches, handoff_map, self._tools)
        else:
            self._workbenches = list(workbench) if isinstance(workbench, Sequence) else [workbench]  # pyright: ignore[reportUnknownArgumentType]
            self._own_workbench = False
            self._toolset = ToolSet(self._workbenches, handoff_map, None)
        uses_tools = self._tools or _offers_tools(self._workbenches) or handoff_map
        if uses_tools and not self._model_client.model_info.get("function_calling", False):
            raise ValueError(
                f"The model of {type(self._model_client).__name__} does not support function "
                "calling (model_info['function_calling'] is False), so it cannot use tools or "
                "handoffs."
            )

    # -- properties ------------------------------------------------------------------

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """``TextMessage`` or ``StructuredMessage``, plus summaries and handoffs when possible."""
        from ..messages import (
            HandoffMessage,
            StructuredMessage,
            TextMessage,
            ToolCallSummaryMessage,
        )

        types: list[type[BaseChatMessage]] = [
            StructuredMessage if self._output_content_type is not None else TextMessage
        ]
        if self._tools or self._workbenches:
            types.append(ToolCallSummaryMessage)
        if self._handoffs:
            types.append(HandoffMessage)
        return types

    @property
    def model_context(self) -> ChatCompletionContext:
        """The model context holding the conversation."""
        return self._model_context

    @property
    def model_client(self) -> ChatCompletionClient:
        """The model client."""
        return self._model_client

    @property
    def metadata(self) -> dict[str, str]:
        """The agent's metadata."""
        return self._metadata

    # -- the turn --------------------------------------------------------------------

    async def on_messages(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> Response:
        """Take new messages and answer them (see the class docs for the turn)."""
        async for item in self.on_messages_stream(messages, cancellation_token):
            if isinstance(item, Response):
                return item
        raise RuntimeError(f"Agent {self._name} ended its turn without a Response.")

    async def on_messages_stream(
        self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken
    ) -> AsyncGenerator[Event | Response, None]:
        """Take new messages, yielding every event as it happens, then the ``Response``."""
        with (
            agent_span(self._name, self._description, self._agent_id),
            CancelScope(cancellation_token) as scope,
        ):
            async for item in self._turn(messages, cancellation_token, scope):
                if not isinstance(item, Response):
                    self._log(item)
                yield item

    async def _turn(
        self, messages: Sequence[BaseChatMessage], token: CancellationToken, scope: CancelScope
    ) -> AsyncGenerator[Event | Response, None]:
        await self._add_to_context(messages)
        inner: list[Event] = []
        if self._memory:
            async for event in self._recall(scope, inner):
                yield event
        answer = _Answer()
        async for event in self._call(scope, token, inner, answer, with_tools=True):
            yield event
        rounds: list[_Round] = []
        while isinstance(answer.result.content, list):
            async for item in self._tool_round(answer.result, scope, token, inner, rounds):
                yield item
                if isinstance(item, Response):  # a handoff ends the turn
                    return
            if len(rounds) >= self._max_tool_iterations:
                break
            answer = _Answer()
            async for event in self._call(scope, token, inner, answer, with_tools=True):
                yield event
        if not rounds or isinstance(answer.result.content, str):
            # No tools, or the model answered in text after them: that is the answer.
            message = self._final_message(answer.result, answer.message_id)
            yield Response(chat_message=message, inner_messages=inner)
            return
        async for item in self._after_tools(rounds, scope, token, inner):
            yield item

    async def _add_to_context(self, messages: Sequence[BaseChatMessage]) -> None:
        context = self._model_context
        handoff_message = TurnTypes.handoff_message
        for message in messages:
            if isinstance(message, handoff_message):
                for item in message.context:
                    await context.add_message(item)
            await context.add_message(message.to_model_message())

    async def _recall(self, scope: CancelScope, inner: list[Event]) -> AsyncGenerator[Event, None]:
        """Each memory adds what it recalls to the model context; a MemoryQueryEvent says so."""
        for memory in self._memory:
            recalled = await scope.run(memory.update_context(self._model_context))
            if recalled.memories.results:
                event = TurnTypes.memory_query_event(
                    content=recalled.memories.results, source=self._name
                )
                inner.append(event)
                yield event

    async def _tool_round(
        self,
        result: CreateResult,
        scope: CancelScope,
        token: CancellationToken,
        inner: list[Event],
        rounds: list[_Round],
    ) -> AsyncGenerator[Event | Response, None]:
        """Run the tool calls the model asked for: the request, the events of stream tools,
        the results; then a ``Response`` if one of the calls was a handoff."""
        calls = list(cast(list[FunctionCall], result.content))
        request = construct(
            TurnTypes.tool_call_request_event,
            content=calls,
            source=self._name,
            models_usage=result.usage,
        )
        inner.append(request)
        yield request
        _, owners = await self._toolset.for_model()
        results: list[FunctionExecutionResult] = []
        async for item in run_tool_calls(
            calls,
            owners,
            self._handoffs,
            scope=scope,
            token=token,
            timeout=self._tool_call_timeout,
        ):
            if isinstance(item, list):
                results = item
            else:
                yield item
                inner.append(item)
        await self._model_context.add_message(
            construct(TurnTypes.function_execution_result_message, content=results)
        )
        executed = construct(
            TurnTypes.tool_call_execution_event, content=results, source=self._name
        )
        inner.append(executed)
        yield executed
        rounds.append((calls, results))
        handoff = next((self._handoffs[c.name] for c in calls if c.name in self._handoffs), None)
        if handoff is not None:
            _warn_if_several_handoffs(calls, self._handoffs)
            context = handoff_context(calls, results, self._handoffs, self._name, result.thought)
            yield Response(
                chat_message=TurnTypes.handoff_message(
                    content=handoff.message,
                    target=handoff.target,
                    source=self._name,
                    context=context,
                ),
                inner_messages=inner,
                stop_reason=f"Handed off to {handoff.target}.",
            )

    async def _after_tools(
        self,
        rounds: list[_Round],
        scope: CancelScope,
        token: CancellationToken,
        inner: list[Event],
    ) -> AsyncGenerator[Event | Response, None]:
        """End a turn whose model still asked for tools: a reflection, else a summary."""
        stop_reason = self._tool_limit_reason()
        if self._reflect_on_tool_use:
            reflection = _Answer()
            async for event in self._call(scope, token, inner, reflection, with_tools=False):
                yield event
            if isinstance(reflection.result.content, str):
                yield Response(
                    chat_message=self._final_message(reflection.result, reflection.message_id),
                    inner_messages=inner,
                    stop_reason=stop_reason,
                )
                return
        text, all_calls, all_results = summarize_tool_calls(
            rounds, self._tool_call_summary_format, self._tool_call_summary_formatter
        )
        yield Response(
            chat_message=TurnTypes.tool_call_summary_message(
                content=text, source=self._name, tool_calls=all_calls, results=all_results
            ),
            inner_messages=inner,
            stop_reason=stop_reason,
        )

    def _tool_limit_reason(self) -> str | None:
        # With one round (the default) answering from the results is the designed flow, not a
        # limit that was hit; with more, the model still wanted tools when the budget ran out.
        if self._max_tool_iterations == 1:
            return None
        then = (
            "the model was asked to answer from the tool results."
            if self._reflect_on_tool_use
            else "the turn ends with a summary of the tool results."
        )
        return (
            f"Reached max_tool_iterations={self._max_tool_iterations}: no more tool rounds are "
            f"allowed in this turn, so {then}"
        )

    async def _call(
        self,
        scope: CancelScope,
        token: CancellationToken,
        inner: list[Event],
        answer: _Answer,
        *,
        with_tools: bool,
    ) -> AsyncGenerator[Event, None]:
        """One model call: streamed chunks, then a ThoughtEvent (also kept in ``inner``) if
        the model reasoned. The result goes into ``answer`` and the model context."""
        create_result = TurnTypes.create_result
        message_id = answer.message_id = self._new_message_id()
        history = await self._model_context.get_messages()
        messages = [*self._system_messages, *history] if self._system_messages else history
        if not self._vision:
            messages = without_images(messages)
        tools: list[Any] = []
        if with_tools and not self._toolset.empty:
            tools, _ = await self._toolset.for_model()
        async for item in call_model(
            self._model_client,
            messages,
            tools=tools,
            json_output=self._output_content_type,
            stream=self._model_client_stream,
            scope=scope,
            token=token,
            source=self._name,
            message_id=message_id or "",
        ):
            if not isinstance(item, create_result):
                yield cast("ModelClientStreamingChunkEvent", item)
                continue
            answer.result = item
            await self._model_context.add_message(
                construct(
                    TurnTypes.assistant_message,
                    content=item.content,
                    source=self._name,
                    thought=item.thought,
                )
            )
            if item.thought:
                thought = construct(
                    TurnTypes.thought_event,
                    content=item.thought,
                    source=self._name,
                    models_usage=item.usage,
                )
                inner.append(thought)
                yield thought

    def _new_message_id(self) -> str | None:
        # Streamed chunks name the message they add up to; the message then takes that id.
        return new_uuid4() if self._model_client_stream else None

    def _final_message(self, result: CreateResult, message_id: str | None) -> BaseChatMessage:
        content = result.content
        assert isinstance(content, str)
        extra: dict[str, Any] = {"id": message_id} if message_id else {}
        if self._output_content_type is None:
            return construct(
                TurnTypes.text_message,
                content=content,
                source=self._name,
                models_usage=result.usage,
                **extra,
            )
        try:
            parsed = self._output_content_type.model_validate_json(_strip_code_fence(content))
        except ValidationError as exc:
            raise StructuredOutputError(
                f"The model's answer is not a valid {self._output_content_type.__name__} "
                f"(output_content_type): {exc.errors(include_url=False)[0]['msg']}. The answer "
                f"was: {content[:200]!r}. Use a model that supports structured output, or "
                "describe the expected JSON in the system message.",
                exc,
            ) from exc
        return self._structured_message_class(
            content=parsed,
            source=self._name,
            models_usage=result.usage,
            format_string=self._output_content_type_format,
            **extra,
        )

    # -- state -----------------------------------------------------------------------

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Forget the conversation (the model context is cleared)."""
        await self._model_context.clear()

    async def save_state(self) -> Mapping[str, Any]:
        """The conversation as JSON-ready data."""
        return {
            "type": "AssistantAgentState",
            "version": "1.0.0",
            "llm_context": dict(await self._model_context.save_state()),
        }

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore the conversation saved by :meth:`save_state`."""
        context = state.get("llm_context")
        if not isinstance(context, Mapping):
            raise ValueError(
                "This is not an AssistantAgent state: it has no 'llm_context'. Pass what "
                "save_state() returned."
            )
        await self._model_context.load_state(context)  # pyright: ignore[reportUnknownArgumentType]

    async def close(self) -> None:
        """Release what this agent owns, and nothing else.

        An agent loaded from a config owns every part the config built: closing it stops
        its workbenches (MCP servers...) and tool executors and closes its model client.
        An agent built in code owns nothing: its parts belong to the caller.
        """
        if not self._owns_parts:
            return
        self._owns_parts = False
        await release_parts(
            workbenches=self._workbenches,
            executors=[getattr(t, "executor", None) for t in self._tools],
            clients=[self._model_client],
        )

    # -- component -------------------------------------------------------------------

    def _to_config(self) -> AssistantAgentConfig:
        from ._assistant_config import config_of_agent

        return config_of_agent(self)

    @classmethod
    def _from_config(cls, config: AssistantAgentConfig) -> Self:
        from ._assistant_config import agent_from_config

        agent = cls(**agent_from_config(config))
        agent.owns_parts = True
        return agent

    @classmethod
    def _from_config_past_version(cls, config: dict[str, Any], version: int) -> Self:
        # Version 1 (AutoGen 0.4-0.5 configs) has the same fields, tools instead of a workbench.
        from ._assistant_config import AssistantAgentConfig

        return cls._from_config(AssistantAgentConfig.model_validate(config))

    @classmethod
    def _capabilities(cls, config: AssistantAgentConfig) -> list[Capability]:
        from .._capabilities import host_code

        references = (config.tool_call_summary_formatter, config.output_content_type)
        return [host_code(r, "Python reference, imported in-process") for r in references if r]


_Round: TypeAlias = "tuple[list[FunctionCall], list[FunctionExecutionResult]]"
"""The calls of one model answer and their results."""


class _Answer:
    """What one model call gave: filled in by ``AssistantAgent._call``."""

    __slots__ = ("message_id", "result")

    def __init__(self) -> None:
        self.message_id: str | None = None
        self.result: CreateResult = _NO_RESULT


_NO_RESULT: Any = None


def _offers_tools(workbenches: list[Any]) -> bool:
    # An empty StaticWorkbench (AutoGen saves one for every agent) offers the model nothing.
    from ..tools import StaticWorkbench

    return any(not (isinstance(w, StaticWorkbench) and not w.tools) for w in workbenches)


def _as_tool(tool: Any) -> Any:
    if callable(tool) and not hasattr(tool, "run_json"):
        from ..tools import FunctionTool

        return FunctionTool(tool)
    return tool


def _handoff_map(handoffs: Sequence[Handoff | str]) -> dict[str, Handoff]:
    from ..base import Handoff

    found: dict[str, Handoff] = {}
    made = [Handoff(target=item) if isinstance(item, str) else item for item in handoffs]
    for handoff in made:
        if handoff.name in found:  # AutoGen's words first, then which name and what to do
            raise ValueError(
                f"Handoff names must be unique: {[h.name for h in made]}. Two handoffs share "
                f"the tool name {handoff.name!r}: give one of them another name."
            )
        found[handoff.name] = handoff
    return found


def _check_tool_names(tools: list[Any], handoffs: Mapping[str, Handoff]) -> None:
    names = [t.name for t in tools]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"Tool names must be unique: {names}. Repeated: {', '.join(duplicates)}; rename "
            "one of each."
        )
    # As AutoGen: a handoff's tool name, or its target, may not be a tool's name.
    clashes = sorted({n for h in handoffs.values() for n in (h.name, h.target) if n in names})
    if clashes:
        raise ValueError(
            f"Handoff names must be unique from tool names: {', '.join(clashes)} names both "
            "a handoff and a tool. Rename the tool, or give the handoff another name."
        )


def _warn_if_several_handoffs(
    calls: Sequence[FunctionCall], handoffs: Mapping[str, Handoff]
) -> None:
    requested = [handoffs[c.name].name for c in calls if c.name in handoffs]
    if len(requested) > 1:
        warnings.warn(
            f"Multiple handoffs detected. Only the first is executed: {requested}. Disable "
            "parallel tool calls in the model client to avoid this warning.",
            UserWarning,
            stacklevel=2,
        )


def _strip_code_fence(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```"):
        stripped = stripped[3:-3]
        if stripped.startswith("json"):
            stripped = stripped[4:]
    return stripped
