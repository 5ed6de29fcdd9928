"""The code executor interface: :class:`CodeExecutor`, code blocks and results.

Implementations live in ``agentparts.code_executors.local``, ``.sandbox`` and ``.jupyter``.
The requirement helpers (``with_requirements``...) and ``extract_markdown_code_blocks`` are
loaded on first use: the messages import this package for ``CodeBlock`` and ``CodeResult``.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._base import CodeBlock as CodeBlock
from ._base import CodeExecutor as CodeExecutor
from ._base import CodeResult as CodeResult
from ._base import CommandLineCodeResult as CommandLineCodeResult

if TYPE_CHECKING:
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

# Names loaded on first use (module __getattr__), and the module that defines each.
_LAZY_NAMES = {
    "Alias": "._func_with_reqs",
    "FunctionWithRequirements": "._func_with_reqs",
    "FunctionWithRequirementsStr": "._func_with_reqs",
    "Import": "._func_with_reqs",
    "ImportFromModule": "._func_with_reqs",
    "build_python_functions_file": "._func_with_reqs",
    "to_stub": "._func_with_reqs",
    "with_requirements": "._func_with_reqs",
    "extract_markdown_code_blocks": "._markdown",
}


def __getattr__(name: str) -> Any:
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
