"""Run code as local processes (no sandbox): :class:`LocalCommandLineCodeExecutor`."""

from ._local import LocalCommandLineCodeExecutor as LocalCommandLineCodeExecutor
from ._local import LocalCommandLineCodeExecutorConfig as LocalCommandLineCodeExecutorConfig

__all__ = ["LocalCommandLineCodeExecutor", "LocalCommandLineCodeExecutorConfig"]
