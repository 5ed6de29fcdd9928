"""Tools: what an agent can call.

``Tool`` is the interface, ``BaseTool`` the base class for tools with a Pydantic args
model, ``FunctionTool`` wraps a plain function, ``StreamTool`` and ``BaseStreamTool`` are
tools that stream progress, and workbenches (``StaticWorkbench``,
``StaticStreamWorkbench``, ``agentparts.tools.mcp.McpWorkbench``) give an agent a set of
tools to list and call. ``SourceCodeFunctionTool`` is what a FunctionTool saved as source
code (AutoGen configs) loads as: each call runs in the sandbox.
Importing this module is light: MCP and the search index load only when used.
``AgentTool`` and ``TeamTool`` (an agent or a team as a tool) live with the agents and are
imported from there on first use.
"""

from typing import TYPE_CHECKING, Any

from ._base import BaseTool as BaseTool
from ._base import BaseToolWithState as BaseToolWithState
from ._base import ParametersSchema as ParametersSchema
from ._base import Tool as Tool
from ._base import ToolSchema as ToolSchema
from ._code_execution import PythonCodeExecutionTool as PythonCodeExecutionTool
from ._function_tool import FunctionTool as FunctionTool
from ._static_stream_workbench import StaticStreamWorkbench as StaticStreamWorkbench
from ._static_workbench import StaticWorkbench as StaticWorkbench
from ._static_workbench import ToolOverride as ToolOverride
from ._stream import BaseStreamTool as BaseStreamTool
from ._stream import StreamTool as StreamTool
from ._workbench import ImageResultContent as ImageResultContent
from ._workbench import StreamWorkbench as StreamWorkbench
from ._workbench import TextResultContent as TextResultContent
from ._workbench import ToolResult as ToolResult
from ._workbench import Workbench as Workbench

if TYPE_CHECKING:
    from ..agents._task_runner_tool import AgentTool as AgentTool
    from ..agents._task_runner_tool import TeamTool as TeamTool
    from ._source_tool import SourceCodeFunctionTool as SourceCodeFunctionTool

__all__ = [
    "AgentTool",
    "BaseStreamTool",
    "BaseTool",
    "BaseToolWithState",
    "FunctionTool",
    "ImageResultContent",
    "ParametersSchema",
    "PythonCodeExecutionTool",
    "SourceCodeFunctionTool",
    "StaticStreamWorkbench",
    "StaticWorkbench",
    "StreamTool",
    "StreamWorkbench",
    "TeamTool",
    "TextResultContent",
    "Tool",
    "ToolOverride",
    "ToolResult",
    "ToolSchema",
    "Workbench",
]


def __getattr__(name: str) -> Any:
    # Agents import tools: importing agents here at module level would be a cycle.
    if name in ("AgentTool", "TeamTool"):
        from ..agents import _task_runner_tool

        return getattr(_task_runner_tool, name)
    if name == "SourceCodeFunctionTool":  # loaded with the first config saved as source
        from ._source_tool import SourceCodeFunctionTool

        return SourceCodeFunctionTool
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
