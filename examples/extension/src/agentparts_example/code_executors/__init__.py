"""Code executors of the example extension."""

from ._subprocess import SubprocessCodeExecutor as SubprocessCodeExecutor
from ._subprocess import SubprocessExecutorConfig as SubprocessExecutorConfig

__all__ = ["SubprocessCodeExecutor", "SubprocessExecutorConfig"]
