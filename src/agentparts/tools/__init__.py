"""Tools: what an agent can call.

``Tool`` is the interface, ``BaseTool`` the base class for tools with a Pydantic args
model, ``FunctionTool`` wraps a plain function, and workbenches (``StaticWorkbench``,
``agentparts.tools.mcp.McpWorkbench``) give an agent a set of tools to list and call.
Importing this module is light: MCP and the search index load only when used.
"""

from ._base import BaseTool as BaseTool
from ._base import BaseToolWithState as BaseToolWithState
from ._base import ParametersSchema as ParametersSchema
from ._base import Tool as Tool
from ._base import ToolSchema as ToolSchema
from ._code_execution import PythonCodeExecutionTool as PythonCodeExecutionTool
from ._function_tool import FunctionTool as FunctionTool
from ._static_workbench import StaticWorkbench as StaticWorkbench
from ._static_workbench import ToolOverride as ToolOverride
from ._workbench import ImageResultContent as ImageResultContent
from ._workbench import TextResultContent as TextResultContent
from ._workbench import ToolResult as ToolResult
from ._workbench import Workbench as Workbench

__all__ = [
    "BaseTool",
    "BaseToolWithState",
    "FunctionTool",
    "ImageResultContent",
    "ParametersSchema",
    "PythonCodeExecutionTool",
    "StaticWorkbench",
    "TextResultContent",
    "Tool",
    "ToolOverride",
    "ToolResult",
    "ToolSchema",
    "Workbench",
]
