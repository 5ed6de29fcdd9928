"""The code executor interface: :class:`CodeExecutor`, code blocks and results.

Implementations live in ``agentparts.code_executors.local``, ``.sandbox`` and ``.jupyter``.
"""

from ._base import CodeBlock as CodeBlock
from ._base import CodeExecutor as CodeExecutor
from ._base import CodeResult as CodeResult
from ._base import CommandLineCodeResult as CommandLineCodeResult
from ._func_with_reqs import Alias as Alias
from ._func_with_reqs import FunctionWithRequirements as FunctionWithRequirements
from ._func_with_reqs import FunctionWithRequirementsStr as FunctionWithRequirementsStr
from ._func_with_reqs import Import as Import
from ._func_with_reqs import ImportFromModule as ImportFromModule
from ._func_with_reqs import build_python_functions_file as build_python_functions_file
from ._func_with_reqs import to_stub as to_stub
from ._func_with_reqs import with_requirements as with_requirements
from ._markdown import extract_markdown_code_blocks as extract_markdown_code_blocks

__all__ = [
    "Alias",
    "CodeBlock",
    "CodeExecutor",
    "CodeResult",
    "CommandLineCodeResult",
    "FunctionWithRequirements",
    "FunctionWithRequirementsStr",
    "Import",
    "ImportFromModule",
    "build_python_functions_file",
    "extract_markdown_code_blocks",
    "to_stub",
    "with_requirements",
]
