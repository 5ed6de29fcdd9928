"""Run Python in one stateful Jupyter kernel: :class:`JupyterCodeExecutor` (extra ``jupyter``)."""

from ._jupyter import JupyterCodeExecutor as JupyterCodeExecutor
from ._jupyter import JupyterCodeExecutorConfig as JupyterCodeExecutorConfig
from ._jupyter import JupyterCodeResult as JupyterCodeResult

__all__ = ["JupyterCodeExecutor", "JupyterCodeExecutorConfig", "JupyterCodeResult"]
