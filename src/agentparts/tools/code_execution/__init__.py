"""``PythonCodeExecutionTool`` under AutoGen's module path (``autogen_ext.tools.code_execution``).

The same classes as ``agentparts.tools.PythonCodeExecutionTool``: code ported from AutoGen
imports them from here after the rename.
"""

from .._code_execution import CodeExecutionInput as CodeExecutionInput
from .._code_execution import CodeExecutionResult as CodeExecutionResult
from .._code_execution import PythonCodeExecutionTool as PythonCodeExecutionTool
from .._code_execution import PythonCodeExecutionToolConfig as PythonCodeExecutionToolConfig

__all__ = [
    "CodeExecutionInput",
    "CodeExecutionResult",
    "PythonCodeExecutionTool",
    "PythonCodeExecutionToolConfig",
]
