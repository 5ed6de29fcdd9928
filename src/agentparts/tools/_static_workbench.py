"""``StaticWorkbench``: a fixed list of tools behind the workbench interface."""

from __future__ import annotations

import asyncio
import typing
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from .._cancellation_token import CancellationToken
from .._component import Component, is_component_instance
from .._component_model import ComponentModel
from .._construct import construct
from .._image import Image
from ..errors import ToolArgumentsError, ToolError
from ._base import BaseTool, Tool, ToolSchema
from ._workbench import ImageResultContent, ResultContent, TextResultContent, ToolResult, Workbench

__all__ = [
    "StaticWorkbench",
    "StaticWorkbenchConfig",
    "ToolOverride",
    "error_result",
    "tool_contents",
]


class ToolOverride(BaseModel):
    """A new name and/or description for a tool, as the model sees it."""

    model_config = ConfigDict(defer_build=True)

    name: str | None = None
    description: str | None = None


class StaticWorkbenchConfig(BaseModel):
    """The saved form of a :class:`StaticWorkbench`."""

    model_config = ConfigDict(defer_build=True)

    tools: list[ComponentModel] = Field(default_factory=list[ComponentModel])
    tool_overrides: dict[str, ToolOverride] = Field(default_factory=dict[str, ToolOverride])


class StaticWorkbench(Workbench, Component[StaticWorkbenchConfig]):
    """A workbench over a fixed list of tools.

    Args:
        tools: The tools. Their names (after overrides) must be unique.
        tool_overrides: Per original tool name, a new name and/or description.

    Example:
        >>> import asyncio
        >>> from agentparts.tools import FunctionTool, StaticWorkbench
        >>> def double(x: int) -> int:
        ...     '''Double a number.'''
        ...     return 2 * x
        >>> bench = StaticWorkbench([FunctionTool(double)])
        >>> asyncio.run(bench.call_tool("double", {"x": 21})).to_text()
        '42'
    """

    component_config_schema = StaticWorkbenchConfig
    component_provider_override: ClassVar[str | None] = "agentparts.tools.StaticWorkbench"

    def __init__(
        self,
        tools: Sequence[Tool],
        tool_overrides: Mapping[str, ToolOverride] | None = None,
    ) -> None:
        self._tools = list(tools)
        self._overrides = dict(tool_overrides or {})
        self._by_name: dict[str, Tool] = {}
        known = {tool.name for tool in self._tools}
        for original in self._overrides:
            if original not in known:
                raise ToolError(
                    f"tool_overrides names {original!r}, which is not one of the tools: "
                    f"{', '.join(sorted(known)) or 'none'}."
                )
        for tool in self._tools:
            public = self._public_name(tool)
            if public in self._by_name:
                raise ToolError(
                    f"Two tools are named {public!r}. Tool names must be unique: rename one "
                    "or use tool_overrides."
                )
            self._by_name[public] = tool

    @property
    def tools(self) -> list[Tool]:
        """The tools, in order."""
        return list(self._tools)

    def tool_named(self, name: str) -> Tool | None:
        """The tool the model calls ``name`` (after overrides), or ``None``."""
        return self._by_name.get(name)

    def _public_name(self, tool: Tool) -> str:
        override = self._overrides.get(tool.name)
        return override.name if override is not None and override.name else tool.name

    async def list_tools(self) -> list[ToolSchema]:
        """The tool schemas, with overrides applied."""
        schemas: list[ToolSchema] = []
        for tool in self._tools:
            schema = tool.schema
            override = self._overrides.get(tool.name)
            if override is not None:
                schema = ToolSchema(**schema)
                if override.name:
                    schema["name"] = override.name
                if override.description:
                    schema["description"] = override.description
            schemas.append(schema)
        return schemas

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        """Call a tool; failures come back as ``is_error`` results for the model."""
        tool = self._by_name.get(name)
        if tool is None:
            available = ", ".join(sorted(self._by_name)) or "none"
            return error_result(
                name, f"Unknown tool {name!r}. Available tools: {available}. Call one of those."
            )
        token = cancellation_token or CancellationToken()
        try:
            value = await tool.run_json(arguments or {}, token, call_id=call_id)
        except ToolArgumentsError as exc:
            return error_result(name, str(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return error_result(name, f"Tool {name!r} failed: {type(exc).__name__}: {exc}")
        return construct(ToolResult, name=name, result=tool_contents(tool, value))

    async def save_state(self) -> Mapping[str, Any]:
        """The state of every tool, by tool name."""
        return {
            "tools": {name: dict(await t.save_state_json()) for name, t in self._by_name.items()}
        }

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore tool states saved by :meth:`save_state`."""
        saved: Mapping[str, Any] = state.get("tools", {})
        for name, tool_state in saved.items():
            tool = self._by_name.get(name)
            if tool is not None:
                await tool.load_state_json(tool_state)

    async def stop(self) -> None:
        """Stop the sandboxes of its tools loaded from source code (each tool's own)."""
        from ._source_tool import SourceCodeFunctionTool

        for tool in self._tools:
            if isinstance(tool, SourceCodeFunctionTool):
                await tool.stop()

    def _to_config(self) -> StaticWorkbenchConfig:
        return StaticWorkbenchConfig(
            tools=[_dump_tool(tool) for tool in self._tools],
            tool_overrides=self._overrides,
        )

    @classmethod
    def _from_config(cls, config: StaticWorkbenchConfig) -> Self:
        tools: list[Tool] = [BaseTool[Any, Any].load_component(model) for model in config.tools]
        return cls(tools, config.tool_overrides)


def tool_contents(tool: Tool, value: Any) -> list[ResultContent]:
    """The result parts of ``value``, a return value of ``tool``: images stay images."""
    if isinstance(value, ToolResult):  # a tool that wraps another workbench
        return list(value.result)
    if isinstance(value, Image):
        return [ImageResultContent(content=value)]
    if isinstance(value, list):
        # A tool may say how its lists become parts (MCP adapters: content blocks).
        convert: Any = getattr(tool, "result_contents", None)
        if convert is not None:
            return list(convert(value))
        if value and all(isinstance(v, Image) for v in value):  # pyright: ignore[reportUnknownVariableType]
            return [ImageResultContent(content=v) for v in value]  # pyright: ignore[reportUnknownArgumentType,reportUnknownVariableType]
    text = tool.return_value_as_string(value)
    if type(text) is str:  # nothing to validate: skip Pydantic (about 10 µs a call)
        return [construct(TextResultContent, content=text)]
    return [TextResultContent(content=text)]


def _dump_tool(tool: Tool) -> ComponentModel:
    if not is_component_instance(tool):
        raise ToolError(
            f"Tool {tool.name!r} ({type(tool).__name__}) is not a component, so this workbench "
            "cannot be saved. Make it a component (see docs/components.md) or use a "
            "FunctionTool."
        )
    return typing.cast(BaseTool[Any, Any], tool).dump_component()


def error_result(name: str, message: str) -> ToolResult:
    """An ``is_error`` result whose text is ``message``."""
    return ToolResult(name=name, result=[TextResultContent(content=message)], is_error=True)
