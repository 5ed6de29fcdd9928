"""The steps of an AssistantAgent turn: model calls, tool calls, summaries, handoffs."""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from .._construct import construct
from ._telemetry import tool_span
from ._turn_types import TurnTypes

if TYPE_CHECKING:
    from .._cancellation_token import CancellationToken, CancelScope
    from .._function_call import FunctionCall
    from ..base import Handoff
    from ..messages import BaseAgentEvent, BaseChatMessage, ModelClientStreamingChunkEvent
    from ..models import ChatCompletionClient, CreateResult, FunctionExecutionResult, LLMMessage

__all__ = [
    "ToolSet",
    "call_model",
    "handoff_context",
    "run_tool_calls",
    "streams",
    "summarize_tool_calls",
    "without_images",
]

# String aliases: the message and result classes are imported on first use, not here.
SummaryFormatter: TypeAlias = "Callable[[FunctionCall, FunctionExecutionResult], str]"
Event: TypeAlias = "BaseAgentEvent | BaseChatMessage"


class ToolSet:
    """The tools of an agent: what the model is offered and where each call goes."""

    __slots__ = ("_model_tools", "_static_owner", "handoffs", "workbenches")

    def __init__(
        self,
        workbenches: Sequence[Any],
        handoffs: Mapping[str, Handoff],
        static_tools: Sequence[Any] | None,
    ) -> None:
        self.workbenches = list(workbenches)
        self.handoffs = dict(handoffs)
        self._model_tools: list[Any] | None = None
        self._static_owner: dict[str, Any] = {}
        if static_tools is not None:
            # Tools given directly: offer the tool objects themselves (clients written
            # against AutoGen read ``tool.schema``) and route calls without listing.
            self._model_tools = [*static_tools, *(h.handoff_tool for h in self.handoffs.values())]
            for tool in static_tools:
                self._static_owner[tool.name] = self.workbenches[0]

    @property
    def empty(self) -> bool:
        """No tools and no handoffs: the model is called without tools."""
        return self._model_tools == [] or (
            self._model_tools is None and not self.workbenches and not self.handoffs
        )

    async def for_model(self) -> tuple[list[Any], dict[str, Any]]:
        """The tools to offer the model, and which workbench runs each tool name."""
        if self._model_tools is not None:
            return self._model_tools, self._static_owner
        offered: list[Any] = []
        owners: dict[str, Any] = {}
        for workbench in self.workbenches:
            for schema in await workbench.list_tools():
                offered.append(schema)
                owners.setdefault(schema["name"], workbench)
        offered.extend(h.handoff_tool for h in self.handoffs.values())
        return offered, owners


def without_images(messages: list[LLMMessage]) -> list[LLMMessage]:
    """``messages`` with images replaced by a placeholder, for models without vision."""
    user_message, image = TurnTypes.user_message, TurnTypes.image
    out: list[LLMMessage] = []
    for message in messages:
        if isinstance(message, user_message) and isinstance(message.content, list):
            text = "\n".join(
                "[image]" if isinstance(part, image) else cast(str, part)
                for part in message.content
            )
            out.append(construct(user_message, content=text, source=message.source))
        else:
            out.append(message)
    return out


async def call_model(
    client: ChatCompletionClient,
    messages: list[LLMMessage],
    *,
    tools: list[Any],
    json_output: type[Any] | None,
    stream: bool,
    scope: CancelScope,
    token: CancellationToken,
    source: str,
    message_id: str,
) -> AsyncGenerator[ModelClientStreamingChunkEvent | CreateResult, None]:
    """One model call: chunk events while streaming, then the final ``CreateResult``.

    A streamed result whose content is empty gets the streamed text as content.
    """
    create_result = TurnTypes.create_result
    kwargs: dict[str, Any] = {"cancellation_token": token}
    if tools:
        kwargs["tools"] = tools
    if json_output is not None:
        kwargs["json_output"] = json_output
    if not stream:
        result = await scope.run(client.create(messages, **kwargs))
        if not isinstance(result, create_result):
            raise TypeError(
                f"The model client returned a {type(result).__name__}, not a CreateResult."
            )
        yield result
        return
    chunks: list[str] = []
    final: CreateResult | None = None
    async for item in scope.stream(client.create_stream(messages, **kwargs)):
        if isinstance(item, str):
            if item:
                chunks.append(item)
                yield TurnTypes.chunk_event(content=item, source=source, full_message_id=message_id)
        elif isinstance(item, create_result):
            final = item
        else:
            raise TypeError(
                f"{type(client).__name__}.create_stream yielded a {type(item).__name__}; a "
                "stream yields text chunks (str) and ends with one CreateResult."
            )
    if final is None:
        raise RuntimeError(
            f"{type(client).__name__}.create_stream ended without a final CreateResult; a "
            "stream must end with one."
        )
    if final.content == "" and chunks:
        final = final.model_copy(update={"content": "".join(chunks)})
    yield final


async def _run_one(
    call: FunctionCall,
    owners: Mapping[str, Any],
    handoffs: Mapping[str, Handoff],
    token: CancellationToken,
    timeout: float | None,
    events: asyncio.Queue[Event | None] | None = None,
) -> FunctionExecutionResult:
    result_class = TurnTypes.function_execution_result

    def failed(text: str) -> FunctionExecutionResult:
        return construct(result_class, content=text, name=call.name, call_id=call.id, is_error=True)

    try:
        arguments: Any = json.loads(call.arguments) if call.arguments.strip() else {}
    except json.JSONDecodeError as exc:
        return failed(
            f"Error: the arguments of {call.name} are not valid JSON ({exc.msg} at position "
            f"{exc.pos}). Call the tool again with a JSON object as arguments."
        )
    if not isinstance(arguments, dict):
        return failed(
            f"Error: the arguments of {call.name} must be a JSON object, got "
            f"{type(arguments).__name__}."  # pyright: ignore[reportUnknownArgumentType]
        )
    handoff = handoffs.get(call.name)
    if handoff is not None:
        return construct(
            result_class,
            content=handoff.message,
            name=call.name,
            call_id=call.id,
            is_error=False,
        )
    workbench = owners.get(call.name)
    if workbench is None:
        available = ", ".join(sorted({*owners, *handoffs})) or "none"
        return failed(f"Error: there is no tool named {call.name!r}. Available tools: {available}.")
    with tool_span(call.name, call.id):
        try:
            if events is not None and streams(workbench, call.name):
                pending = _call_streaming(workbench, call, arguments, token, events)
            else:
                pending = workbench.call_tool(
                    name=call.name, arguments=arguments, cancellation_token=token, call_id=call.id
                )
            result = await (asyncio.wait_for(pending, timeout) if timeout else pending)
        except TimeoutError:
            return failed(
                f"Error: the tool {call.name} did not finish within {timeout} seconds and was "
                "stopped."
            )
        except Exception as exc:  # a workbench must not end the run: report it to the model
            return failed(f"Error: {type(exc).__name__}: {exc}")
    return construct(
        result_class,
        content=result.to_text(),
        name=call.name,
        call_id=call.id,
        is_error=bool(result.is_error),
    )


def streams(workbench: Any, name: str) -> bool:
    """Whether a call of the tool ``name`` goes through ``workbench.call_tool_stream``.

    Any workbench with ``call_tool_stream`` streams; a static one only for its streaming
    tools (its other tools would yield just their result, so they take the shorter way).
    """
    if getattr(workbench, "call_tool_stream", None) is None:
        return False
    tool_named = getattr(workbench, "tool_named", None)
    if tool_named is None:
        return True
    return hasattr(tool_named(name), "run_json_stream")


async def _call_streaming(
    workbench: Any,
    call: FunctionCall,
    arguments: Any,
    token: CancellationToken,
    events: asyncio.Queue[Event | None],
) -> Any:
    """Run a call through ``call_tool_stream``: its agent events and chat messages go to
    ``events`` as they come (other items are dropped with a warning, as AutoGen does);
    the ``ToolResult`` it ends with is returned."""
    from ..tools import ToolResult

    result: ToolResult | None = None
    stream = workbench.call_tool_stream(
        name=call.name, arguments=arguments, cancellation_token=token, call_id=call.id
    )
    try:
        async for item in stream:
            if isinstance(item, ToolResult):
                result = item
            elif isinstance(item, (TurnTypes.base_agent_event, TurnTypes.base_chat_message)):
                events.put_nowait(item)
            else:
                warnings.warn(
                    f"Unexpected event type: {type(item).__name__} in tool call streaming. "
                    f"Tool {call.name!r} yielded it; only agent events and chat messages "
                    "(BaseAgentEvent, BaseChatMessage) are passed on to the caller.",
                    UserWarning,
                    stacklevel=2,
                )
    finally:
        await stream.aclose()
    if result is None:
        raise RuntimeError(
            f"{type(workbench).__name__}.call_tool_stream({call.name!r}) ended without a "
            "ToolResult; a tool stream must end with one."
        )
    return result


async def run_tool_calls(
    calls: Sequence[FunctionCall],
    owners: Mapping[str, Any],
    handoffs: Mapping[str, Handoff],
    *,
    scope: CancelScope,
    token: CancellationToken,
    timeout: float | None,
) -> AsyncGenerator[Event | list[FunctionExecutionResult], None]:
    """Run the tool calls of one model answer concurrently; failures become error results.

    Yields the agent events and chat messages that streaming tools produce, as they come,
    then the list of results (last, in the order of ``calls``).
    """
    if not any(streams(owners.get(c.name), c.name) for c in calls):
        if len(calls) == 1:
            yield [await scope.run(_run_one(calls[0], owners, handoffs, token, timeout))]
            return
        gathered = asyncio.gather(*(_run_one(c, owners, handoffs, token, timeout) for c in calls))
        yield list(await scope.run(gathered))
        return
    events: asyncio.Queue[Event | None] = asyncio.Queue()

    async def run_all() -> list[FunctionExecutionResult]:
        try:
            return list(
                await asyncio.gather(
                    *(_run_one(c, owners, handoffs, token, timeout, events) for c in calls)
                )
            )
        finally:
            events.put_nowait(None)  # the end of the events

    task = asyncio.ensure_future(run_all())
    try:
        while (event := await scope.run(events.get())) is not None:
            yield event
        results = await scope.run(task)
    finally:
        if not task.done():
            task.cancel()
            await asyncio.wait([task])
    yield results


def summarize_tool_calls(
    rounds: Sequence[tuple[Sequence[FunctionCall], Sequence[FunctionExecutionResult]]],
    fmt: str,
    formatter: SummaryFormatter | None,
) -> tuple[str, list[FunctionCall], list[FunctionExecutionResult]]:
    """Text covering every tool call of every round, with the calls and results."""
    lines: list[str] = []
    all_calls: list[FunctionCall] = []
    all_results: list[FunctionExecutionResult] = []
    for calls, results in rounds:
        by_id = {r.call_id: r for r in results}
        for call in calls:
            result = by_id.get(call.id)
            if result is None:
                continue
            all_calls.append(call)
            all_results.append(result)
            if formatter is not None:
                lines.append(formatter(call, result))
            else:
                lines.append(
                    fmt.format(
                        tool_name=call.name,
                        arguments=call.arguments,
                        result=result.content,
                        is_error=result.is_error,
                    )
                )
    return "\n".join(lines), all_calls, all_results


def handoff_context(
    calls: Sequence[FunctionCall],
    results: Sequence[FunctionExecutionResult],
    handoffs: Mapping[str, Handoff],
    source: str,
    thought: str | None,
) -> list[LLMMessage]:
    """The model messages a handoff carries: the other tool calls and their results."""
    other_calls = [c for c in calls if c.name not in handoffs]
    if other_calls:
        ids = {c.id for c in other_calls}
        return [
            construct(
                TurnTypes.assistant_message, content=other_calls, source=source, thought=thought
            ),
            construct(
                TurnTypes.function_execution_result_message,
                content=[r for r in results if r.call_id in ids],
            ),
        ]
    if thought:
        return [construct(TurnTypes.assistant_message, content=thought, source=source)]
    return []
