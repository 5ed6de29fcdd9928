"""Console: renders an agent's ``run_stream`` for people, in a terminal or a plain log."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ._render import PlainRenderer, Renderer, RichRenderer

if TYPE_CHECKING:
    from ..base import Response, TaskResult
    from ._user_input import UserInputManager

__all__ = ["Console", "RunSummary"]


@dataclass
class RunSummary:
    """What the final summary line reports.

    Attributes:
        messages: Messages and events seen.
        prompt_tokens: Prompt tokens of every model call.
        completion_tokens: Completion tokens of every model call.
        duration: Seconds from the first item of the stream to the last.
        stop_reason: Why the run stopped, if the result says so.
        tool_calls: How many tools were called.
        turns: Chat messages per speaker (a team's turns), the user's left out.
    """

    messages: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration: float = 0.0
    stop_reason: str | None = None
    tool_calls: int = 0
    turns: dict[str, int] = field(default_factory=dict[str, int])


def _add_usage(summary: RunSummary, item: Any) -> None:
    usage = getattr(item, "models_usage", None)
    if usage is not None:
        summary.prompt_tokens += int(usage.prompt_tokens)
        summary.completion_tokens += int(usage.completion_tokens)


async def Console(
    stream: AsyncIterable[Any],
    *,
    no_inline_images: bool = False,
    output_stats: bool = True,
    plain: bool | None = None,
    file: TextIO | None = None,
    user_input_manager: UserInputManager | None = None,
) -> TaskResult | Response:
    """Print an agent's ``run_stream`` (or ``on_messages_stream``) as it happens.

    Streamed tokens are printed as they arrive; tool calls and their results are shown as
    such; a final summary gives the message count, token usage and time. In a terminal the
    output uses rich (colours, panels); otherwise it is plain text, one block per message.

    Args:
        stream: What ``run_stream()`` or ``on_messages_stream()`` yields.
        no_inline_images: Accepted for AutoGen compatibility; images are always shown as
            placeholders.
        output_stats: Print token usage per message and the final summary.
        plain: Force plain text (True) or rich (False). Default: rich when ``file`` is a
            terminal and ``NO_COLOR`` is not set.
        file: Where to print; standard output by default.
        user_input_manager: Released for each ``UserInputRequestedEvent`` shown, so a
            user proxy asks only after the conversation before its turn is on screen.

    Returns:
        The last :class:`~agentparts.base.TaskResult` or :class:`~agentparts.base.Response`
        of the stream.

    Raises:
        ValueError: the stream ended without a TaskResult or Response.

    Example:
        >>> import asyncio
        >>> from agentparts.ui import Console
        >>> # result = asyncio.run(Console(agent.run_stream(task="What is 2+2?")))
    """
    del no_inline_images
    out = file or sys.stdout
    renderer: Renderer = PlainRenderer(out) if _use_plain(plain, out) else RichRenderer(out)
    return await _render_stream(stream, renderer, output_stats, user_input_manager)


def _use_plain(plain: bool | None, out: TextIO) -> bool:
    if plain is not None:
        return plain
    import os

    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return True
    try:
        return not out.isatty()
    except (AttributeError, ValueError):
        return True


async def _render_stream(
    stream: AsyncIterable[Any],
    renderer: Renderer,
    output_stats: bool,
    user_input_manager: UserInputManager | None = None,
) -> Any:
    from ..base import Response, TaskResult
    from ..messages import (
        BaseChatMessage,
        ModelClientStreamingChunkEvent,
        ToolCallExecutionEvent,
        ToolCallRequestEvent,
        UserInputRequestedEvent,
    )

    summary = RunSummary()
    start = time.perf_counter()
    last: Any = None
    streamed: dict[str, str] = {}  # source -> text streamed and not yet closed by its message
    try:
        async for item in stream:
            if isinstance(item, TaskResult):
                last = item
                summary.stop_reason = item.stop_reason
                continue
            if isinstance(item, Response):
                last = item
                summary.stop_reason = item.stop_reason
                _add_usage(summary, item.chat_message)
                summary.messages += 1
                if not streamed.pop(item.chat_message.source, None):
                    renderer.message(item.chat_message, output_stats)
                continue
            if isinstance(item, ModelClientStreamingChunkEvent):
                if item.source not in streamed:
                    renderer.stream_start(item.source)
                    streamed[item.source] = ""
                streamed[item.source] += item.content
                renderer.stream_chunk(item.content)
                continue
            if isinstance(item, UserInputRequestedEvent):
                if user_input_manager is not None:
                    user_input_manager.notify_event_received(item.request_id)
                continue
            summary.messages += 1
            _add_usage(summary, item)
            if isinstance(item, BaseChatMessage) and item.source != "user":
                summary.turns[item.source] = summary.turns.get(item.source, 0) + 1
            text = streamed.pop(getattr(item, "source", ""), None)
            if text is not None:
                renderer.stream_end()
                if isinstance(item, ToolCallRequestEvent):
                    pass  # the chunks were not the calls: show them below
                elif text.strip() == item.to_text().strip():
                    renderer.stats(item, output_stats)
                    continue
            if isinstance(item, ToolCallRequestEvent):
                summary.tool_calls += len(item.content)
                renderer.tool_calls(item, output_stats)
            elif isinstance(item, ToolCallExecutionEvent):
                renderer.tool_results(item)
            else:
                renderer.message(item, output_stats)
    finally:
        if streamed:
            renderer.stream_end()
        summary.duration = time.perf_counter() - start
    if output_stats:
        renderer.summary(summary)
    if last is None:
        raise ValueError("The stream ended without a TaskResult or Response to return.")
    return last
