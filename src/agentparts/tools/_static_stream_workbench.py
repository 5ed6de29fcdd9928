"""``StaticStreamWorkbench``: a fixed list of tools whose streaming tools stream their calls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from typing import Any, ClassVar

from .._cancellation_token import CancellationToken
from .._construct import construct
from ..errors import ToolArgumentsError
from ._static_workbench import StaticWorkbench, error_result, tool_contents
from ._stream import StreamTool
from ._workbench import StreamWorkbench, ToolResult

__all__ = ["StaticStreamWorkbench"]


class StaticStreamWorkbench(StaticWorkbench, StreamWorkbench):
    """A :class:`StaticWorkbench` whose :meth:`call_tool_stream` streams tool progress.

    A :class:`~agentparts.tools.StreamTool` yields its progress items one by one, then
    the workbench yields the :class:`ToolResult` of its last item; any other tool yields
    only its result. Failures end the stream with an ``is_error`` result, as
    :meth:`call_tool` reports them (progress yielded before the failure is kept). This is
    what AutoGen 0.7's ``AssistantAgent`` saves its tools as.

    Args:
        tools: The tools. Their names (after overrides) must be unique.
        tool_overrides: Per original tool name, a new name and/or description.

    Example:
        >>> import asyncio
        >>> from agentparts.tools import FunctionTool
        >>> def double(x: int) -> int:
        ...     '''Double a number.'''
        ...     return 2 * x
        >>> bench = StaticStreamWorkbench([FunctionTool(double)])
        >>> async def main():
        ...     return [item async for item in bench.call_tool_stream("double", {"x": 4})]
        >>> asyncio.run(main())[-1].to_text()
        '8'
    """

    component_provider_override: ClassVar[str | None] = "agentparts.tools.StaticStreamWorkbench"

    async def call_tool_stream(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> AsyncGenerator[Any, None]:
        """Yield a tool's progress items, then its :class:`ToolResult` (always last)."""
        tool = self.tool_named(name)
        if tool is None or not isinstance(tool, StreamTool):
            yield await self.call_tool(name, arguments, cancellation_token, call_id)
            return
        token = cancellation_token or CancellationToken()
        last: Any = None
        started = False
        try:
            async for item in tool.run_json_stream(arguments or {}, token, call_id=call_id):
                if started:
                    yield last
                last, started = item, True
        except ToolArgumentsError as exc:
            yield error_result(name, str(exc))
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if started:
                yield last
            yield error_result(name, f"Tool {name!r} failed: {type(exc).__name__}: {exc}")
            return
        yield construct(ToolResult, name=name, result=tool_contents(tool, last))
