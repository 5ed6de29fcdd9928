"""A tool that runs Python code through any code executor."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from .._cancellation_token import CancellationToken
from .._component import Component, ComponentLoader
from .._component_model import ComponentModel
from ..code_executor import CodeBlock, CodeExecutor
from ._base import BaseTool

__all__ = [
    "CodeExecutionInput",
    "CodeExecutionResult",
    "PythonCodeExecutionTool",
    "PythonCodeExecutionToolConfig",
]


class CodeExecutionInput(BaseModel):
    """The arguments of :class:`PythonCodeExecutionTool`."""

    model_config = ConfigDict(defer_build=True)

    code: str = Field(description="The contents of the Python code block that should be executed")


class CodeExecutionResult(BaseModel):
    """What running the code gave.

    Attributes:
        success: Whether the code exited with code 0.
        exit_code: The exit code (124: timed out).
        output: Standard output and error.
    """

    model_config = ConfigDict(defer_build=True)

    success: bool
    exit_code: int = 0
    output: str


class PythonCodeExecutionToolConfig(BaseModel):
    """Saved form of a :class:`PythonCodeExecutionTool`."""

    model_config = ConfigDict(defer_build=True)

    executor: ComponentModel
    description: str = "Execute Python code blocks."


class PythonCodeExecutionTool(
    BaseTool[CodeExecutionInput, CodeExecutionResult], Component[PythonCodeExecutionToolConfig]
):
    """Lets an agent run Python code through a code executor.

    The model gives the code; the tool returns the output (and the exit code when it
    failed). The executor decides where the code runs: by default a new
    :class:`~agentparts.code_executors.sandbox.SandboxedCodeExecutor`.

    Args:
        executor: The executor to run code with (default: the bubblewrap sandbox).
        description: The tool description shown to the model.

    Example:
        >>> from agentparts.code_executors.local import LocalCommandLineCodeExecutor
        >>> tool = PythonCodeExecutionTool(LocalCommandLineCodeExecutor(timeout=30))
        >>> tool.name
        'CodeExecutor'
    """

    component_config_schema = PythonCodeExecutionToolConfig
    component_provider_override = "agentparts.tools.PythonCodeExecutionTool"

    def __init__(
        self,
        executor: CodeExecutor | None = None,
        description: str = "Execute Python code blocks.",
    ) -> None:
        super().__init__(
            args_type=CodeExecutionInput,
            return_type=CodeExecutionResult,
            name="CodeExecutor",
            description=description,
        )
        if executor is None:
            from ..code_executors import default_code_executor

            executor = default_code_executor()
        self._executor = executor

    @property
    def executor(self) -> CodeExecutor:
        """The executor the code runs with."""
        return self._executor

    async def run(
        self, args: CodeExecutionInput, cancellation_token: CancellationToken
    ) -> CodeExecutionResult:
        """Run ``args.code`` as one Python block."""
        result = await self._executor.execute_code_blocks(
            [CodeBlock(code=args.code, language="python")], cancellation_token
        )
        return CodeExecutionResult(
            success=result.exit_code == 0, exit_code=result.exit_code, output=result.output
        )

    def return_value_as_string(self, value: object) -> str:
        """The output; for a failed run, followed by its exit code."""
        if isinstance(value, CodeExecutionResult):
            if value.success:
                return value.output
            return f"{value.output.rstrip()}\n(exit code {value.exit_code})".lstrip()
        return super().return_value_as_string(value)

    def _to_config(self) -> PythonCodeExecutionToolConfig:
        return PythonCodeExecutionToolConfig(
            executor=self._executor.dump_component(), description=self.description
        )

    @classmethod
    def _from_config(cls, config: PythonCodeExecutionToolConfig) -> Self:
        executor = ComponentLoader.load_component(config.executor, CodeExecutor)
        return cls(executor=executor, description=config.description)
