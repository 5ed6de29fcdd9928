"""MCP server tools as individual ``BaseTool`` objects, for agents that take a tool list.

``McpToolAdapter`` is the class; ``StdioMcpToolAdapter``, ``SseMcpToolAdapter`` and
``StreamableHttpMcpToolAdapter`` are AutoGen's names for it per transport (same behaviour,
each saved under its own provider).
"""

from __future__ import annotations

import typing
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from typing_extensions import Self

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability
from ..._component import Component
from ...errors import McpServerError, ToolError
from .._base import BaseTool, ParametersSchema, ToolSchema
from .._workbench import ResultContent, ToolResult
from ._config import (
    AnyServerParams,
    McpServerParams,
    SseServerParams,
    StdioServerParams,
    StreamableHttpServerParams,
    server_capabilities,
)
from ._workbench import McpWorkbench, result_contents, tool_schema

__all__ = [
    "McpToolAdapter",
    "McpToolAdapterConfig",
    "McpToolArgs",
    "SseMcpToolAdapter",
    "StdioMcpToolAdapter",
    "StreamableHttpMcpToolAdapter",
    "mcp_server_tools",
]


class McpToolArgs(BaseModel):
    """Any arguments: the MCP server validates them against its own schema."""

    model_config = ConfigDict(defer_build=True, extra="allow")


class McpToolAdapterConfig(BaseModel):
    """The saved form of a :class:`McpToolAdapter`."""

    model_config = ConfigDict(defer_build=True)

    server_params: McpServerParams
    name: str
    description: str = ""
    parameters: dict[str, Any]

    @model_validator(mode="before")
    @classmethod
    def _from_autogen(cls, data: Any) -> Any:
        """Accept AutoGen's adapter config, which nests the MCP tool under ``tool``."""
        config = _mapping(data)
        tool = _mapping(config.get("tool")) if config is not None else None
        if config is not None and tool is not None:
            return {
                "server_params": config.get("server_params"),
                "name": tool.get("name"),
                "description": tool.get("description") or "",
                "parameters": tool.get("inputSchema") or tool.get("input_schema") or {},
            }
        return data


def _mapping(value: Any) -> dict[str, Any] | None:
    return typing.cast(dict[str, Any], value) if isinstance(value, dict) else None


class McpToolAdapter(BaseTool[McpToolArgs, list[Any]], Component[McpToolAdapterConfig]):
    """One tool of an MCP server, called through a (shared) :class:`McpWorkbench`.

    As in AutoGen, ``run_json`` returns the server's MCP content blocks (a list, so
    ``result[0].text`` is the first text), and raises
    :class:`~agentparts.errors.ToolError` with the server's message when the call fails.
    What the model is told is text: :meth:`return_value_as_string` joins the blocks' text
    (where AutoGen gives the blocks' JSON), and an agent's workbench keeps images as images.

    Args:
        workbench: The workbench that reaches the server, or the server's parameters (a
            workbench of its own is made).
        schema: The tool's schema as listed by the server, or the MCP SDK's ``Tool``.
        session: AutoGen's ``ClientSession`` argument: must be ``None`` (share a
            workbench instead).

    Raises:
        ToolError: ``session`` was given.
    """

    component_config_schema = McpToolAdapterConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.McpToolAdapter"

    def __init__(
        self,
        workbench: McpWorkbench | AnyServerParams,
        schema: ToolSchema | Any,
        session: None = None,
    ) -> None:
        if session is not None:
            raise ToolError(
                f"{type(self).__name__} does not take an MCP SDK session: tools share a server "
                "through a McpWorkbench. Pass McpWorkbench(server_params) as the first argument."
            )
        if not isinstance(workbench, McpWorkbench):
            workbench = McpWorkbench(workbench)
        if not isinstance(schema, dict):  # the MCP SDK's Tool, as AutoGen takes it
            schema = tool_schema(schema)
        tool = typing.cast(ToolSchema, schema)
        super().__init__(McpToolArgs, list, tool["name"], tool.get("description", ""))
        self._workbench = workbench
        self._parameters = tool.get("parameters") or ParametersSchema(type="object", properties={})

    @classmethod
    async def from_server_params(cls, server_params: AnyServerParams, tool_name: str) -> Self:
        """The adapter of the server's tool ``tool_name`` (its server keeps running).

        Raises:
            McpServerError: the server could not be started or did not list its tools.
            ValueError: the server has no tool of that name (as AutoGen).
        """
        bench = McpWorkbench(server_params)
        tools = await bench.session.list_tools()
        found = next((t for t in tools if t.name == tool_name), None)
        if found is None:
            await bench.stop()
            raise ValueError(
                f"Tool '{tool_name}' not found, available tools: {', '.join(t.name for t in tools)}"
            )
        return cls(bench, tool_schema(found))

    @property
    def workbench(self) -> McpWorkbench:
        """The workbench this tool calls through."""
        return self._workbench

    @property
    def server_params(self) -> AnyServerParams:
        """How the server is reached."""
        return self._workbench.server_params

    @property
    def schema(self) -> ToolSchema:
        """The schema the server gave."""
        return ToolSchema(name=self.name, description=self.description, parameters=self._parameters)

    async def run(self, args: McpToolArgs, cancellation_token: CancellationToken) -> list[Any]:
        """Call the tool on the server; its MCP content blocks.

        Raises:
            ToolError: the server reported an error, or could not be reached.
        """
        try:
            result = await self._workbench.call_server_tool(
                self.name, args.model_dump(exclude_unset=True), cancellation_token
            )
        except McpServerError as exc:
            raise ToolError(str(exc)) from None
        if result.is_error:
            raise ToolError(self._text(list(result.content), "<image>"))
        return list(result.content)

    def result_contents(self, value: list[Any]) -> list[ResultContent]:
        """Content blocks as workbench result parts (images stay images)."""
        return result_contents(value)

    def return_value_as_string(self, value: Any) -> str:
        """The text of the content blocks (images as data URIs), one block a line."""
        if isinstance(value, list):
            return self._text(typing.cast(list[Any], value), None)
        if isinstance(value, ToolResult):
            return value.to_text()
        return super().return_value_as_string(value)

    def _text(self, blocks: list[Any], replace_image: str | None) -> str:
        result = ToolResult(name=self.name, result=result_contents(blocks))
        return result.to_text(replace_image=replace_image)

    def _to_config(self) -> McpToolAdapterConfig:
        return McpToolAdapterConfig(
            server_params=self._workbench.server_params,
            name=self.name,
            description=self.description,
            parameters=dict(self._parameters),
        )

    @classmethod
    def _from_config(cls, config: McpToolAdapterConfig) -> Self:
        schema = ToolSchema(
            name=config.name,
            description=config.description,
            parameters=ParametersSchema(**config.parameters),  # pyright: ignore[reportArgumentType]
        )
        return cls(McpWorkbench(config.server_params), schema)

    @classmethod
    def _capabilities(cls, config: McpToolAdapterConfig) -> list[Capability]:
        return server_capabilities(config.server_params)


class StdioMcpToolAdapter(McpToolAdapter):
    """AutoGen's name for a :class:`McpToolAdapter` of a server run over stdio."""

    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.StdioMcpToolAdapter"


class SseMcpToolAdapter(McpToolAdapter):
    """AutoGen's name for a :class:`McpToolAdapter` of a server reached over SSE.

    Example:
        >>> import asyncio
        >>> from agentparts.tools.mcp import SseMcpToolAdapter, SseServerParams
        >>> async def main() -> str:
        ...     params = SseServerParams(url="http://127.0.0.1:8000/sse")
        ...     add = await SseMcpToolAdapter.from_server_params(params, "add")
        ...     try:
        ...         result = await add.run_json({"a": 1, "b": 2}, CancellationToken())
        ...         return result[0].text
        ...     finally:
        ...         await add.workbench.stop()
        >>> asyncio.run(main())  # doctest: +SKIP
        '3'
    """

    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.SseMcpToolAdapter"


class StreamableHttpMcpToolAdapter(McpToolAdapter):
    """AutoGen's name for a :class:`McpToolAdapter` of a server reached over streamable HTTP."""

    component_provider_override: ClassVar[str | None] = (
        "agentparts.tools.mcp.StreamableHttpMcpToolAdapter"
    )


_ADAPTERS: dict[type[Any], type[McpToolAdapter]] = {
    StdioServerParams: StdioMcpToolAdapter,
    SseServerParams: SseMcpToolAdapter,
    StreamableHttpServerParams: StreamableHttpMcpToolAdapter,
}


async def mcp_server_tools(
    server_params: AnyServerParams,
    workbench: McpWorkbench | None = None,
) -> list[McpToolAdapter]:
    """The tools of an MCP server, as ``BaseTool`` objects sharing one session.

    As in AutoGen, each is the adapter class of the transport (``SseMcpToolAdapter`` for
    :class:`SseServerParams`...).

    Args:
        server_params: How to reach the server.
        workbench: A workbench to share (its lifecycle stays yours). By default a new one
            is made; its server runs until ``tools[0].workbench.stop()`` or process exit.

    Raises:
        McpServerError: the server could not be started or did not list its tools.
    """
    bench = workbench if workbench is not None else McpWorkbench(server_params)
    tools = await bench.session.list_tools()
    adapter = _ADAPTERS.get(type(server_params), McpToolAdapter)
    return [adapter(bench, tool_schema(tool)) for tool in tools]
