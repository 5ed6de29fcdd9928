"""MCP server tools as individual ``BaseTool`` objects, for agents that take a tool list.

``McpToolAdapter`` is the class; ``StdioMcpToolAdapter``, ``SseMcpToolAdapter`` and
``StreamableHttpMcpToolAdapter`` are AutoGen's classes per transport: the same behaviour,
each saved under its own provider with AutoGen's config (``server_params`` and the MCP
``tool`` as the server listed it).
"""

from __future__ import annotations

import typing
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ..._cancellation_token import CancellationToken
from ..._capabilities import Capability
from ..._component import Component
from ...errors import McpServerError, ToolError
from .._base import BaseTool, ToolSchema
from .._workbench import ResultContent, ToolResult
from ._config import (
    AnyServerParams,
    McpServerParams,
    SseServerParams,
    StdioServerParams,
    StreamableHttpServerParams,
    server_capabilities,
)
from ._workbench import McpWorkbench, result_contents

__all__ = [
    "McpToolAdapter",
    "McpToolAdapterConfig",
    "McpToolArgs",
    "SseMcpToolAdapter",
    "SseMcpToolAdapterConfig",
    "StdioMcpToolAdapter",
    "StdioMcpToolAdapterConfig",
    "StreamableHttpMcpToolAdapter",
    "StreamableHttpMcpToolAdapterConfig",
    "mcp_server_tools",
]


class McpToolArgs(BaseModel):
    """Any arguments, for a tool whose input schema could not be made into a model."""

    model_config = ConfigDict(defer_build=True, extra="allow")


class _ToolConfig(BaseModel):
    """What every adapter config holds besides its server: the MCP tool, as listed."""

    model_config = ConfigDict(defer_build=True)

    tool: dict[str, Any]

    @model_validator(mode="before")
    @classmethod
    def _from_flat(cls, data: Any) -> Any:
        """Accept the flat form agentparts saved before (``name``, ``parameters``...)."""
        config = _mapping(data)
        if config is not None and "tool" not in config and "name" in config:
            return {
                "server_params": config.get("server_params"),
                "tool": {
                    "name": config.get("name"),
                    "description": config.get("description") or "",
                    "inputSchema": config.get("parameters") or {},
                },
            }
        return data

    @field_validator("tool")
    @classmethod
    def _named_tool(cls, tool: dict[str, Any]) -> dict[str, Any]:
        return _tool_spec(tool)


class McpToolAdapterConfig(_ToolConfig):
    """The saved form of a :class:`McpToolAdapter`: any transport."""

    server_params: McpServerParams


class StdioMcpToolAdapterConfig(_ToolConfig):
    """The saved form of a :class:`StdioMcpToolAdapter` (AutoGen's fields)."""

    server_params: StdioServerParams


class SseMcpToolAdapterConfig(_ToolConfig):
    """The saved form of a :class:`SseMcpToolAdapter` (AutoGen's fields)."""

    server_params: SseServerParams


class StreamableHttpMcpToolAdapterConfig(_ToolConfig):
    """The saved form of a :class:`StreamableHttpMcpToolAdapter` (AutoGen's fields)."""

    server_params: StreamableHttpServerParams


def _mapping(value: Any) -> dict[str, Any] | None:
    return typing.cast(dict[str, Any], value) if isinstance(value, dict) else None


def _tool_spec(tool: Any) -> dict[str, Any]:
    """An MCP tool as AutoGen saves it (``name``, ``description``, ``inputSchema``...).

    Takes the MCP SDK's ``Tool``, that JSON form (``input_schema`` is accepted too), or a
    :class:`ToolSchema` (``parameters``).
    """
    if isinstance(tool, BaseModel):  # the MCP SDK's Tool
        tool = tool.model_dump(by_alias=True, exclude_none=True, mode="json")
    if not isinstance(tool, Mapping):
        raise ToolError(
            f"An MCP tool must be the SDK's Tool or a mapping with 'name' and 'inputSchema', "
            f"got {type(tool).__name__}."
        )
    given = typing.cast(Mapping[str, Any], tool)
    spec = dict(given)
    if "inputSchema" not in spec:
        found = spec.pop("input_schema", None) or spec.pop("parameters", None)
        spec["inputSchema"] = found if found is not None else {}
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ToolError(f"An MCP tool needs a non-empty 'name', got {name!r}.")
    if not isinstance(spec["inputSchema"], dict):
        raise ToolError(
            f"The inputSchema of MCP tool {name!r} must be a JSON schema object, got "
            f"{type(spec['inputSchema']).__name__}."
        )
    return spec


class McpToolAdapter(BaseTool[BaseModel, list[Any]], Component[_ToolConfig]):
    """One tool of an MCP server, called through a (shared) :class:`McpWorkbench`.

    As in AutoGen, the arguments model is built from the tool's input schema
    (:func:`~agentparts.utils.schema_to_pydantic_model`), so ``args_type()`` and
    ``schema`` are AutoGen's, and ``run_json`` refuses bad arguments before the server
    sees them with :class:`~agentparts.errors.ToolArgumentsError` (also a pydantic
    ``ValidationError``). A schema the converter cannot read gives a warning, and the
    arguments then go to the server unchecked, with the server's schema offered as is.

    ``run_json`` returns the server's MCP content blocks (a list, so ``result[0].text``
    is the first text), and raises :class:`~agentparts.errors.ToolError` with the
    server's message when the call fails. What the model is told is text:
    :meth:`return_value_as_string` joins the blocks' text (where AutoGen gives the
    blocks' JSON), and an agent's workbench keeps images as images.

    Args:
        server_params: The server's parameters (a workbench of its own is made), or the
            :class:`McpWorkbench` to share with other tools of the server.
        tool: The MCP SDK's ``Tool`` as the server listed it, its JSON form (``name``,
            ``description``, ``inputSchema``), or a :class:`ToolSchema`.
        session: AutoGen's ``ClientSession`` argument: must be ``None`` (share a
            workbench instead).

    Raises:
        ToolError: ``session`` was given, the tool has no name, or the parameters are of
            another transport than the class's.
    """

    component_config_schema = McpToolAdapterConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.McpToolAdapter"
    _transport: ClassVar[type[BaseModel] | None] = None

    def __init__(
        self,
        server_params: McpWorkbench | AnyServerParams,
        tool: ToolSchema | Mapping[str, Any] | Any,
        session: None = None,
    ) -> None:
        if session is not None:
            raise ToolError(
                f"{type(self).__name__} does not take an MCP SDK session: tools share a server "
                "through a McpWorkbench. Pass McpWorkbench(server_params) as the first argument."
            )
        workbench = (
            server_params
            if isinstance(server_params, McpWorkbench)
            else McpWorkbench(server_params)
        )
        expected = self._transport
        if expected is not None and not isinstance(workbench.server_params, expected):
            raise ToolError(
                f"{type(self).__name__} reaches its server with {expected.__name__}, got "
                f"{type(workbench.server_params).__name__}: use the adapter of that transport "
                "or McpToolAdapter."
            )
        spec = _tool_spec(tool)
        super().__init__(None, list, spec["name"], spec.get("description") or "")
        self._workbench = workbench
        self._tool = spec
        self._raw_args = False

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
        return cls(bench, found)

    @property
    def workbench(self) -> McpWorkbench:
        """The workbench this tool calls through."""
        return self._workbench

    @property
    def server_params(self) -> AnyServerParams:
        """How the server is reached."""
        return self._workbench.server_params

    @property
    def tool(self) -> dict[str, Any]:
        """The MCP tool as the server listed it (``name``, ``description``, ``inputSchema``...)."""
        return dict(self._tool)

    def args_type(self) -> type[BaseModel]:
        """The arguments model, built from the tool's input schema on first use."""
        found: type[BaseModel] | None = vars(self).get("_args_type")
        if found is None:
            found = self._build_args_type()
            vars(self)["_args_type"] = found
        return found

    def _build_args_type(self) -> type[BaseModel]:
        from ...utils import schema_to_pydantic_model

        try:
            return schema_to_pydantic_model(self._tool["inputSchema"])
        except Exception as exc:  # a schema beyond the converter: let the server check
            warnings.warn(
                f"The input schema of MCP tool {self.name!r} cannot be made into an arguments "
                f"model ({type(exc).__name__}: {exc}); its arguments go to the server "
                "unchecked.",
                UserWarning,
                stacklevel=3,
            )
            self._raw_args = True
            return McpToolArgs

    @property
    def schema(self) -> ToolSchema:
        """The schema offered to the model: built from the arguments model, as AutoGen's."""
        built = super().schema
        if self._raw_args:  # the converter could not read it: the server's own
            built["parameters"] = typing.cast(Any, dict(self._tool["inputSchema"]))
        return built

    async def run(self, args: BaseModel, cancellation_token: CancellationToken) -> list[Any]:
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

    def _to_config(self) -> _ToolConfig:
        return self.component_config_schema.model_validate(
            {"server_params": self._workbench.server_params, "tool": self._tool}
        )

    @classmethod
    def _from_config(cls, config: _ToolConfig) -> Self:
        params: AnyServerParams = getattr(config, "server_params")  # noqa: B009
        return cls(McpWorkbench(params), config.tool)

    @classmethod
    def _capabilities(cls, config: _ToolConfig) -> list[Capability]:
        return server_capabilities(getattr(config, "server_params"))  # noqa: B009


class StdioMcpToolAdapter(McpToolAdapter):
    """A :class:`McpToolAdapter` of a server run over stdio (AutoGen's class and config)."""

    component_config_schema = StdioMcpToolAdapterConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.StdioMcpToolAdapter"
    _transport: ClassVar[type[BaseModel] | None] = StdioServerParams


class SseMcpToolAdapter(McpToolAdapter):
    """A :class:`McpToolAdapter` of a server reached over SSE (AutoGen's class and config).

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

    component_config_schema = SseMcpToolAdapterConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.mcp.SseMcpToolAdapter"
    _transport: ClassVar[type[BaseModel] | None] = SseServerParams


class StreamableHttpMcpToolAdapter(McpToolAdapter):
    """A :class:`McpToolAdapter` of a server reached over streamable HTTP (AutoGen's class
    and config)."""

    component_config_schema = StreamableHttpMcpToolAdapterConfig
    component_provider_override: ClassVar[str | None] = (
        "agentparts.tools.mcp.StreamableHttpMcpToolAdapter"
    )
    _transport: ClassVar[type[BaseModel] | None] = StreamableHttpServerParams


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
    return [adapter(bench, tool) for tool in tools]
