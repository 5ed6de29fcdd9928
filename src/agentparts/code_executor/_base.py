"""The code executor interface: code blocks in, one result out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Self

from .._component import ComponentBase

if TYPE_CHECKING:
    from pydantic import BaseModel  # noqa: F401  (the string type argument of ComponentBase)

    from .._cancellation_token import CancellationToken

__all__ = ["CodeBlock", "CodeExecutor", "CodeResult", "CommandLineCodeResult"]


@dataclass
class CodeBlock:
    """A piece of code to run, in a named language.

    Attributes:
        code: The source code.
        language: The language of the code (``python``, ``bash``, ``sh``, ...).
    """

    code: str
    language: str


@dataclass
class CodeResult:
    """What running code blocks gave.

    Attributes:
        exit_code: The exit code of the last block run; ``0`` is success and ``124`` means
            the run timed out.
        output: Standard output and standard error of the run, interleaved.
    """

    exit_code: int
    output: str


@dataclass
class CommandLineCodeResult(CodeResult):
    """A :class:`CodeResult` from a command-line executor.

    Attributes:
        code_file: The file the last block was written to before it was run, if any.
    """

    code_file: str | None = None


class CodeExecutor(ABC, ComponentBase["BaseModel"]):
    """Runs code blocks and returns one :class:`CodeResult`.

    An executor owns resources (a work directory, a kernel, processes): call :meth:`start`
    before use and :meth:`stop` afterwards, or use it as an async context manager.

    Example:
        >>> from agentparts import CancellationToken
        >>> from agentparts.code_executor import CodeBlock
        >>> from agentparts.code_executors.local import LocalCommandLineCodeExecutor
        >>> async def main() -> None:
        ...     async with LocalCommandLineCodeExecutor() as executor:
        ...         result = await executor.execute_code_blocks(
        ...             [CodeBlock(code="print(1 + 1)", language="python")], CancellationToken()
        ...         )
        ...         print(result.output)
    """

    component_type = "code_executor"

    @abstractmethod
    async def execute_code_blocks(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CodeResult:
        """Run ``code_blocks`` in order and return the combined result.

        Running stops at the first block that fails. Failures of the code itself (an
        exception, a non-zero exit, a timeout, an unsupported language) are results, not
        exceptions.

        Args:
            code_blocks: The blocks to run.
            cancellation_token: Cancelling it stops the run and everything it started.

        Returns:
            The exit code of the last block run and the output of all blocks.

        Raises:
            ExecutorNotStartedError: The executor was not started or was stopped.
        """

    @abstractmethod
    async def start(self) -> None:
        """Acquire what the executor needs (work directory, kernel, ...)."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop everything still running and release the executor's resources."""

    @abstractmethod
    async def restart(self) -> None:
        """Stop and start again, dropping any state."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.stop()
