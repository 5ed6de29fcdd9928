"""Run code in a bubblewrap sandbox: :class:`SandboxedCodeExecutor`, the default for agents."""

from ._bwrap import SandboxLimits as SandboxLimits
from ._sandbox import SandboxedCodeExecutor as SandboxedCodeExecutor
from ._sandbox import SandboxedCodeExecutorConfig as SandboxedCodeExecutorConfig

__all__ = ["SandboxLimits", "SandboxedCodeExecutor", "SandboxedCodeExecutorConfig"]
