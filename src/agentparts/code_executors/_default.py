"""The executor used wherever an agent runs code and none was given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sandbox import SandboxedCodeExecutor

__all__ = ["default_code_executor"]


def default_code_executor(**kwargs: Any) -> SandboxedCodeExecutor:
    """A new :class:`~agentparts.code_executors.sandbox.SandboxedCodeExecutor`.

    Never falls back to running code without a sandbox.

    Args:
        **kwargs: Passed to ``SandboxedCodeExecutor`` (``timeout``, ``work_dir``, limits...).

    Raises:
        SandboxUnavailableError: bubblewrap is not installed or cannot run here; the
            message says how to install it.
    """
    from .sandbox import SandboxedCodeExecutor

    return SandboxedCodeExecutor(**kwargs)
