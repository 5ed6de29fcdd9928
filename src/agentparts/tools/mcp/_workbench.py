"""``McpWorkbench``: the tools of one MCP server, over one reused session."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability
from ..._component import Component
from ..._constants import EVENT_LOGGER_NAME
from ..._image import Image
from ...errors import McpServerError, ToolError
from ...logging import ToolCallEvent, emit
from .._base import ParametersSchema, ToolSchema
from .._static_workbench import ToolOverride, error_result
from .._workbench import ImageResultContent, ResultContent, TextResultContent, ToolResult, Workbench
from ._config import AnyServerParams, McpServerParams, server_capabilities
from ._session import McpSession

if TYPE_CHECKING:
    from mcp.types import CallToolResult
    from mcp.types import Tool as McpTool

__all__ = ["McpWorkbench", "McpWorkbenchConfig", "result_contents", "tool_schema"]

_event_logger = logging.getLogger(EVENT_LOGGER_NAME)


class McpWorkbenchConfig(BaseModel):
    """The saved form of a :class:`McpWorkbench`."""

    model_config = ConfigDict(
        defer_build=True, extra="ignore"
    )  # AutoGen configs may carry a model_client

    server_params: McpServerParams
    tool_overrides: dict[str, ToolOverride] = Field(default_factory=dict[str, ToolOverride])


class McpWorkbench(Workbench, Component[McpWorkbenchConfig]):
    """The tools of an MCP server, as a workbench. Needs the ``mcp`` extra.

    One server process (or HTTP session) serves every call until :meth:`stop`; it starts
    on :meth:`start`, on ``async with``, or on first use. If the server dies, the call
    that noticed gets an ``is_error`` result that says so, and the next call starts a new
    server. Calls time out after ``read_timeout_seconds``; a server that does not start
    or answer the handshake within ``startup_timeout_seconds`` raises
    :class:`~agentparts.errors.McpServerError` from :meth:`start` and :meth:`list_tools`.

    Args:
        server_params: How to reach the server.
        tool_overrides: Per server tool name, a new name and/or description.

    Example:
        >>> import asyncio, sys
        >>> from agentparts.tools.mcp import McpWorkbench, StdioServerParams
        >>> params = StdioServerParams(
        ...     command=sys.executable, args=["-m", "agentparts.testing.mcp_server"]
        ... )
        >>> async def main() -> str:
        ...     async with McpWorkbench(params) as bench:
        ...         return (await bench.call_tool("add", {"a": 1, "b": 2})).to_text()
        >>> asyncio.run(main())  # doctest: +SKIP
        '3'
    """

    component_config_schema = McpWorkbenchConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.McpWorkbench"

    def __init__(
        self,
        server_params: AnyServerParams,
        tool_overrides: Mapping[str, ToolOverride] | None = None,
    ) -> None:
        self._params = server_params
        self._overrides = dict(tool_overrides or {})
        self._original_names = {
            o.name: original for original, o in self._overrides.items() if o.name
        }
        if len(self._original_names) != len([o for o in self._overrides.values() if o.name]):
            raise ToolError("tool_overrides gives two tools the same new name: make them unique.")
        self._session = McpSession(server_params)
        self._listed: set[str] | None = None

    @property
    def server_params(self) -> AnyServerParams:
        """How the server is reached."""
        return self._params

    @property
    def session(self) -> McpSession:
        """The underlying session (its ``starts`` counter shows restarts)."""
        return self._session

    async def start(self) -> None:
        """Start the server and the MCP handshake. Idempotent.

        Raises:
            McpServerError: the server did not start or answer in time; nothing is left
                running.
        """
        await self._session.start()

    async def stop(self) -> None:
        """Stop the server (or end the HTTP session). Idempotent."""
        await self._session.stop()

    async def reset(self) -> None:
        """Restart the server, dropping any state it keeps."""
        await self._session.stop()
        await self._session.start()

    async def list_tools(self) -> list[ToolSchema]:
        """The server's tools, with overrides applied.

        Raises:
            McpServerError: the server could not be started, died or did not answer.
        """
        tools = await self._session.list_tools()
        self._listed = {t.name for t in tools}
        return [self._schema(tool) for tool in tools]

    def _schema(self, tool: McpTool) -> ToolSchema:
        schema = tool_schema(tool)
        override = self._overrides.get(tool.name)
        if override is not None:
            if override.name:
                schema["name"] = override.name
            if override.description:
                schema["description"] = override.description
        return schema

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        """Call a server tool; every failure, the server's included, is an ``is_error`` result."""
        original = self._original_names.get(name, name)
        if self._listed is not None and original not in self._listed:
            public = sorted(self._public_name(n) for n in self._listed)
            return error_result(
                name,
                f"Unknown tool {name!r}. Available tools: {', '.join(public) or 'none'}. "
                "Call one of those.",
            )
        try:
            result = await self.call_server_tool(original, arguments, cancellation_token)
        except McpServerError as exc:
            return error_result(name, str(exc))
        tool_result = ToolResult(
            name=name, result=result_contents(result.content, result), is_error=result.is_error
        )
        if _event_logger.isEnabledFor(logging.INFO):
            emit(
                ToolCallEvent(
                    tool_name=name,
                    call_id=call_id,
                    arguments=dict(arguments or {}),
                    result=tool_result.to_text(replace_image="<image>"),
                    is_error=tool_result.is_error,
                )
            )
        return tool_result

    async def call_server_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
    ) -> CallToolResult:
        """Call the server's tool ``name`` (its own name, not an override) and return the
        MCP SDK's result as it is.

        Raises:
            McpServerError: the server could not be started, died, did not answer in
                time or refused the request.
        """
        call = asyncio.ensure_future(self._session.call_tool(name, arguments or {}))
        if cancellation_token is not None:
            cancellation_token.link_future(call)
        return await call

    def _public_name(self, original: str) -> str:
        override = self._overrides.get(original)
        return override.name if override is not None and override.name else original

    def _to_config(self) -> McpWorkbenchConfig:
        return McpWorkbenchConfig(server_params=self._params, tool_overrides=self._overrides)

    @classmethod
    def _from_config(cls, config: McpWorkbenchConfig) -> Self:
        return cls(config.server_params, config.tool_overrides)

    @classmethod
    def _capabilities(cls, config: McpWorkbenchConfig) -> list[Capability]:
        return server_capabilities(config.server_params)


def tool_schema(tool: McpTool) -> ToolSchema:
    """An MCP tool description as a :class:`ToolSchema`."""
    raw: dict[str, Any] = dict(tool.input_schema)
    parameters = ParametersSchema(
        type="object",
        properties=dict(raw.get("properties") or {}),
        required=list(raw.get("required") or []),
        additionalProperties=bool(raw.get("additionalProperties", False)),
    )
    return ToolSchema(name=tool.name, description=tool.description or "", parameters=parameters)


def result_contents(
    content: Sequence[Any], result: CallToolResult | None = None
) -> list[ResultContent]:
    """MCP content blocks as result parts: text as text, images as images, others as JSON.

    Args:
        content: The blocks (``CallToolResult.content``).
        result: The whole result: with no blocks, its structured content is the text.
    """
    from mcp.types import ImageContent, TextContent

    parts: list[ResultContent] = []
    for item in content:
        if isinstance(item, TextContent):
            parts.append(TextResultContent(content=item.text))
        elif isinstance(item, ImageContent):
            parts.append(ImageResultContent(content=Image.from_base64(item.data)))
        else:
            parts.append(TextResultContent(content=item.model_dump_json(exclude_none=True)))
    if not parts and result is not None and result.structured_content is not None:
        parts.append(TextResultContent(content=json.dumps(result.structured_content)))
    return parts
