"""``SourceCodeFunctionTool``: a FunctionTool saved as source code (AutoGen configs).

Each call runs in its own sandboxed run: the function's source, its global imports and
the arguments (JSON) go into a small program run by the tool's own
:class:`~agentparts.code_executors.sandbox.SandboxedCodeExecutor`; the result comes back
as JSON. The source is never executed in this process, unless the loader was told to with
``unsafe_exec_source_tools_on_host=True``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel

from .._cancellation_token import CancellationToken
from .._capabilities import Capability, host_code, sandboxed_code
from ..code_executor import CodeBlock
from ..errors import ToolError
from ._base import BaseTool
from ._function_tool import FunctionTool, FunctionToolConfig
from ._source_spec import (
    GlobalImport,
    ImportFromConfig,
    import_statements,
    read_source,
    runner_program,
)

if TYPE_CHECKING:
    from ..code_executors.sandbox import SandboxedCodeExecutor

__all__ = ["SourceCodeFunctionTool", "source_tool_capabilities"]

SANDBOX_PACKAGES = (
    "the standard library and the Debian packages of /usr/bin/python3 (no pip packages of "
    "this environment, no agentparts)"
)


class SourceCodeFunctionTool(FunctionTool):
    """A :class:`FunctionTool` whose function exists only as saved source code.

    Loading an AutoGen ``FunctionTool`` config (``source_code``, ``global_imports``)
    gives one. In ``"sandbox"`` mode (the default) nothing of the source runs in this
    process: the parameter schema is read from the parsed source with ``ast``, and each
    call runs the function once in the tool's own sandbox (started on the first call,
    stopped by :meth:`stop`; an agent loaded from a config stops it when it closes).
    Inside, the function sees no network, the standard library and the Debian packages of
    ``/usr/bin/python3`` only, a private work directory, and a timeout. In ``"host"``
    mode (only with ``unsafe_exec_source_tools_on_host=True``) the source is exec'd in
    this process, as AutoGen does.

    The tool saves back as source code, unchanged.

    Args:
        source_code: The function's source (the first top-level ``def`` is the tool).
        name: The tool name.
        description: What the tool does.
        global_imports: Imports the function needs (module names, ``{"module": ...,
            "imports": [...]}``, ``{"name": ..., "alias": ...}``).
        has_cancellation_support: Kept for AutoGen (a ``CancellationToken`` parameter is
            found in the source either way).
        strict: Strict schema.
        mode: ``"sandbox"`` or ``"host"`` (runs the saved code unsandboxed in-process).
        timeout: Wall-clock seconds each sandboxed call may take.

    Raises:
        ComponentConfigError: The source does not parse or defines no function, or an
            import is not a dotted name.
    """

    @property
    def component_provider_override(self) -> str:  # pyright: ignore[reportIncompatibleVariableOverride]
        """Saved as a FunctionTool (with ``source_code``), loaded back through FunctionTool."""
        return "agentparts.tools.FunctionTool"

    def __init__(
        self,
        source_code: str,
        name: str,
        description: str,
        global_imports: Sequence[GlobalImport] = (),
        has_cancellation_support: bool = False,
        strict: bool = False,
        *,
        mode: Literal["sandbox", "host"] = "sandbox",
        timeout: float = 60,
    ) -> None:
        self._source_code = source_code
        self._global_imports = list(global_imports)
        self._has_cancellation_support = has_cancellation_support
        self._mode: Literal["sandbox", "host"] = mode
        self._timeout = timeout
        self._executor: SandboxedCodeExecutor | None = None
        statements = import_statements(self._global_imports, name)
        if mode == "sandbox":  # the sandbox's program defines a CancellationToken stand-in
            statements = import_statements(_without_token_imports(self._global_imports), name)
        shape = read_source(source_code, name, strict)
        self._statements = statements
        self._shape = shape
        if mode == "host":
            namespace: dict[str, Any] = {"__name__": f"agentparts_source_tool_{shape.function}"}
            for statement in statements:
                exec(statement, namespace)  # the caller chose unsafe_exec_source_tools_on_host
            exec(compile(source_code, f"<source of tool {name}>", "exec"), namespace)
            super().__init__(namespace[shape.function], description, name, strict=strict)
            return
        BaseTool.__init__(  # pyright: ignore[reportUnknownMemberType]
            self, shape.args_model, shape.return_type, name, description, strict
        )

    @property
    def mode(self) -> Literal["sandbox", "host"]:
        """Where calls run: ``"sandbox"`` or ``"host"`` (exec'd in this process)."""
        return self._mode

    @property
    def source_code(self) -> str:
        """The saved source of the function."""
        return self._source_code

    @property
    def func(self) -> Any:
        """The function (host mode only: in sandbox mode it exists only in the sandbox)."""
        if self._mode == "sandbox":
            raise ToolError(
                f"The tool {self.name!r} was loaded from source code and runs in the "
                "sandbox: it has no function in this process. Call it with run_json()."
            )
        return super().func

    @property
    def executor(self) -> SandboxedCodeExecutor | None:
        """The tool's own sandbox (None until the first sandboxed call)."""
        return self._executor

    async def stop(self) -> None:
        """Stop the tool's sandbox, if started (a later call starts a new one)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await executor.stop()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def run(self, args: BaseModel, cancellation_token: CancellationToken) -> Any:
        """Call the function: one sandboxed run (or in-process in host mode)."""
        if self._mode == "host":
            return await super().run(args, cancellation_token)
        if self._executor is None:
            from ..code_executors import default_code_executor

            self._executor = default_code_executor(timeout=self._timeout)
        nonce = f"@@agentparts-result-{secrets.token_hex(16)}@@"
        program = runner_program(
            self._source_code,
            self._statements,
            self._shape.function,
            args.model_dump(mode="json", exclude_unset=True),
            positional_only=self._shape.positional_only,
            token_param=self._shape.token_param,
            nonce=nonce,
        )
        result = await self._executor.execute_code_blocks(
            [CodeBlock(code=program, language="python")], cancellation_token
        )
        if cancellation_token.is_cancelled():
            raise asyncio.CancelledError(f"The call of tool {self.name!r} was cancelled.")
        return self._read_result(result.output, result.exit_code, nonce)

    def _read_result(self, output: str, exit_code: int, nonce: str) -> Any:
        where = output.rfind(nonce)
        if where < 0:
            tail = output[-1500:].strip() or "(no output)"
            reason = (
                f"timed out after {self._timeout:g} s"
                if exit_code == 124
                else f"ended without a result (exit code {exit_code})"
            )
            raise ToolError(f"Tool {self.name!r} {reason} in the sandbox. Output:\n{tail}")
        line = output[where + len(nonce) :].split("\n", 1)[0]
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError:
            raise ToolError(f"Tool {self.name!r} gave a result that is not JSON.") from None
        if not isinstance(data, dict):
            raise ToolError(f"Tool {self.name!r} gave a malformed result.")
        found: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
        if found.get("ok") is True:
            return found.get("value")
        kind = found.get("kind")
        if kind == "import":
            raise ToolError(
                f"Tool {self.name!r} cannot run in the sandbox: {found.get('statement')} "
                f"failed ({found.get('error')}). The sandbox has {SANDBOX_PACKAGES} and no "
                "network; load the config with unsafe_exec_source_tools_on_host=True only "
                "if you trust it, or rewrite the tool as a module function."
            )
        if kind == "raised":
            raise ToolError(
                f"Tool {self.name!r} raised {found.get('type')}: {found.get('error')}\n"
                f"{str(found.get('traceback', '')).strip()}"
            )
        raise ToolError(f"Tool {self.name!r} failed in the sandbox: {found.get('error')}")

    def _to_config(self) -> FunctionToolConfig:
        return FunctionToolConfig(
            name=self.name,
            description=self.description,
            strict=self.strict,
            source_code=self._source_code,
            global_imports=self._global_imports,
            has_cancellation_support=self._has_cancellation_support,
        )


_TOKEN_MODULES = ("autogen_core", "agentparts")


def _without_token_imports(imports: Sequence[GlobalImport]) -> list[GlobalImport]:
    """``imports`` but ``from autogen_core import CancellationToken`` (or agentparts')."""
    return [
        item
        for item in imports
        if not (
            isinstance(item, ImportFromConfig)
            and item.module in _TOKEN_MODULES
            and all(n == "CancellationToken" for n in item.imports)
        )
    ]


def source_tool_capabilities(config: FunctionToolConfig, on_host: bool) -> list[Capability]:
    """What loading a FunctionTool saved as source code does, in the mode it will get."""
    what = f"source code of the FunctionTool {config.name!r}"
    if on_host:
        return [host_code(what, "exec'd in-process (unsafe_exec_source_tools_on_host)")]
    return [sandboxed_code(what, "one sandboxed run per call: bubblewrap, no network")]
