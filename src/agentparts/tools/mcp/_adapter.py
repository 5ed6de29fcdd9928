"""MCP server tools as individual ``BaseTool`` objects, for agents that take a tool list."""

from __future__ import annotations

import typing
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from typing_extensions import Self

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability
from ..._component import Component
from ...errors import ToolError
from .._base import BaseTool, ParametersSchema, ToolSchema
from .._workbench import ToolResult
from ._config import (
    McpServerParams,
    StdioServerParams,
    StreamableHttpServerParams,
    server_capabilities,
)
from ._workbench import McpWorkbench, tool_schema

__all__ = ["McpToolAdapter", "McpToolAdapterConfig", "McpToolArgs", "mcp_server_tools"]


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


class McpToolAdapter(BaseTool[McpToolArgs, ToolResult], Component[McpToolAdapterConfig]):
    """One tool of an MCP server, called through a (shared) :class:`McpWorkbench`.

    ``run_json`` raises :class:`~agentparts.errors.ToolError` with the server's message
    when the call fails, as tools do; agents turn that into an error result for the model.

    Args:
        workbench: The workbench that reaches the server.
        schema: The tool's schema, as listed by the server.
    """

    component_config_schema = McpToolAdapterConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.McpToolAdapter"

    def __init__(self, workbench: McpWorkbench, schema: ToolSchema) -> None:
        super().__init__(McpToolArgs, ToolResult, schema["name"], schema.get("description", ""))
        self._workbench = workbench
        self._parameters = schema.get("parameters") or ParametersSchema(
            type="object", properties={}
        )

    @property
    def workbench(self) -> McpWorkbench:
        """The workbench this tool calls through."""
        return self._workbench

    @property
    def schema(self) -> ToolSchema:
        """The schema the server gave."""
        return ToolSchema(name=self.name, description=self.description, parameters=self._parameters)

    async def run(self, args: McpToolArgs, cancellation_token: CancellationToken) -> ToolResult:
        """Call the tool on the server.

        Raises:
            ToolError: the server reported an error, or could not be reached.
        """
        result = await self._workbench.call_tool(self.name, args.model_dump(), cancellation_token)
        if result.is_error:
            raise ToolError(result.to_text(replace_image="<image>"))
        return result

    def return_value_as_string(self, value: Any) -> str:
        """The text of a :class:`ToolResult` (images as data URIs)."""
        return (
            value.to_text()
            if isinstance(value, ToolResult)
            else super().return_value_as_string(value)
        )

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


async def mcp_server_tools(
    server_params: StdioServerParams | StreamableHttpServerParams,
    workbench: McpWorkbench | None = None,
) -> list[McpToolAdapter]:
    """The tools of an MCP server, as ``BaseTool`` objects sharing one session.

    Args:
        server_params: How to reach the server.
        workbench: A workbench to share (its lifecycle stays yours). By default a new one
            is made; its server runs until ``tools[0].workbench.stop()`` or process exit.

    Raises:
        McpServerError: the server could not be started or did not list its tools.
    """
    bench = workbench if workbench is not None else McpWorkbench(server_params)
    tools = await bench.session.list_tools()
    return [McpToolAdapter(bench, tool_schema(tool)) for tool in tools]
