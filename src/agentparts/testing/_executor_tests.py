"""``CodeExecutorTests``: the conformance suite for code executors."""

from __future__ import annotations

import asyncio
import warnings
from typing import ClassVar

import pytest

from .._cancellation_token import CancellationToken
from ..code_executor import CodeBlock, CodeExecutor, CodeResult
from ..models import ChatCompletionClient
from ._suite_common import (
    check_bad_config_is_refused,
    check_round_trip,
    check_wrong_type_is_refused,
)

__all__ = ["CodeExecutorTests"]

TIMEOUT_EXIT_CODE = 124


class CodeExecutorTests:
    """Conformance tests for a :class:`~agentparts.code_executor.CodeExecutor`.

    Subclass it in a test module (the class name must start with ``Test``) and define an
    ``executor`` fixture that returns a fresh, *not started* executor whose timeout is
    :attr:`timeout` seconds. Every test is an ``async def``: run them with pytest-asyncio.

    Checked: Python code runs and its output (stdout and stderr) is captured; failures are
    results with a non-zero exit code, not exceptions; blocks run in order and stop at the
    first failure; an unsupported language is a result; a run past the timeout gives exit
    code 124; cancelling a run stops it; running before ``start`` or after ``stop`` is a
    clear error (or starts the executor, see :attr:`requires_start`); ``restart`` works;
    the executor saves and loads back unchanged and refuses invalid configs.

    Attributes:
        timeout: The timeout, in seconds, the ``executor`` fixture must give the executor.
        python_language: The language name of Python code blocks.
        shell_language: The language name of shell blocks, or ``None`` if not supported.
        requires_start: Whether the executor refuses to run before ``start()`` (``False``:
            it starts itself on first use, as the built-in executors do).
        allowed_providers: Provider prefixes to allow when loading the saved executor.

    Example:
        >>> import pytest
        >>> from agentparts.code_executors.local import LocalCommandLineCodeExecutor
        >>> class TestLocalExecutor(CodeExecutorTests):
        ...     @pytest.fixture
        ...     def executor(self, tmp_path):
        ...         return LocalCommandLineCodeExecutor(timeout=self.timeout, work_dir=tmp_path)
    """

    timeout: ClassVar[float] = 2
    python_language: ClassVar[str] = "python"
    shell_language: ClassVar[str | None] = "bash"
    requires_start: ClassVar[bool] = True
    allowed_providers: ClassVar[tuple[str, ...]] = ()

    async def _run(self, executor: CodeExecutor, *blocks: CodeBlock) -> CodeResult:
        result = await executor.execute_code_blocks(list(blocks), CancellationToken())
        assert isinstance(result, CodeResult), (
            f"execute_code_blocks() returned {type(result).__name__}, not a CodeResult"
        )
        return result

    def _python(self, code: str) -> CodeBlock:
        return CodeBlock(code=code, language=self.python_language)

    async def test_python_runs_and_output_is_captured(self, executor: CodeExecutor) -> None:
        """Python code runs; its standard output and standard error are in the output."""
        async with executor:
            result = await self._run(
                executor,
                self._python(
                    "import sys\nprint('conformance-out')\nprint('conformance-err', file=sys.stderr)"
                ),
            )
        assert result.exit_code == 0, result.output
        assert "conformance-out" in result.output
        assert "conformance-err" in result.output

    async def test_failure_is_a_result_with_its_error(self, executor: CodeExecutor) -> None:
        """Code that raises gives a non-zero exit code and its error text, not an exception."""
        async with executor:
            result = await self._run(executor, self._python("raise ValueError('conformance-boom')"))
        assert result.exit_code != 0
        assert "conformance-boom" in result.output

    async def test_blocks_run_in_order_and_stop_at_first_failure(
        self, executor: CodeExecutor
    ) -> None:
        """Blocks run in order; a failing block stops the blocks after it."""
        async with executor:
            result = await self._run(
                executor,
                self._python("print('block-one')"),
                self._python("import sys; print('block-two'); sys.exit(3)"),
                self._python("print('block-three')"),
            )
        assert result.exit_code != 0
        assert result.output.index("block-one") < result.output.index("block-two")
        assert "block-three" not in result.output

    async def test_shell_block_runs(self, executor: CodeExecutor) -> None:
        """Shell code runs when the executor supports a shell language."""
        if self.shell_language is None:
            pytest.skip("shell_language is None")
        async with executor:
            result = await self._run(
                executor, CodeBlock(code="echo conformance-shell", language=self.shell_language)
            )
        assert result.exit_code == 0, result.output
        assert "conformance-shell" in result.output

    async def test_unsupported_language_is_a_result(self, executor: CodeExecutor) -> None:
        """An unsupported language gives a non-zero exit code and names the language."""
        async with executor:
            result = await self._run(executor, CodeBlock(code="x", language="conformance-lang"))
        assert result.exit_code != 0
        assert "conformance-lang" in result.output

    async def test_timeout_gives_exit_code_124(self, executor: CodeExecutor) -> None:
        """A run longer than the timeout is stopped and gives exit code 124."""
        async with executor:
            result = await self._run(
                executor, self._python(f"import time\ntime.sleep({self.timeout * 20})")
            )
        assert result.exit_code == TIMEOUT_EXIT_CODE, (
            f"a timed-out run gave exit code {result.exit_code}, not {TIMEOUT_EXIT_CODE}: "
            f"{result.output}"
        )

    async def test_cancellation_stops_the_run(self, executor: CodeExecutor) -> None:
        """Cancelling the token stops a run before its timeout.

        The executor may raise ``asyncio.CancelledError`` or return a result with a
        non-zero exit code other than the timeout's 124.
        """
        async with executor:
            token = CancellationToken()
            run = asyncio.ensure_future(
                executor.execute_code_blocks(
                    [self._python(f"import time\ntime.sleep({self.timeout * 20})")], token
                )
            )
            await asyncio.sleep(min(0.5, self.timeout / 4))
            token.cancel()
            try:
                result = await run
            except asyncio.CancelledError:
                return
        assert result.exit_code not in (0, TIMEOUT_EXIT_CODE), (
            f"after cancellation the run went on until it ended (exit code {result.exit_code})"
        )

    async def test_running_before_start_or_after_stop(self, executor: CodeExecutor) -> None:
        """Before ``start()`` and after ``stop()``: a clear error, or a clean automatic start.

        With :attr:`requires_start` the executor must raise an error that mentions
        ``start``; without it, it must start itself and run the code.
        """
        for attempt in ("before start", "after stop"):
            if attempt == "after stop":
                await executor.start()
                await executor.stop()
            if self.requires_start:
                with pytest.raises(Exception, match=r"(?i)start") as caught:
                    await executor.execute_code_blocks(
                        [self._python("print(1)")], CancellationToken()
                    )
                assert not isinstance(caught.value, AssertionError)
            else:
                try:
                    result = await self._run(executor, self._python("print('auto-started')"))
                finally:
                    await executor.stop()
                assert result.exit_code == 0, f"{attempt}: {result.output}"
                assert "auto-started" in result.output

    async def test_restart_keeps_the_executor_usable(self, executor: CodeExecutor) -> None:
        """After ``restart()`` the executor runs code again (a no-op restart may warn)."""
        async with executor:
            await self._run(executor, self._python("print('before-restart')"))
            with warnings.catch_warnings(record=True):  # AutoGen's local executor warns
                warnings.simplefilter("always")
                await executor.restart()
            result = await self._run(executor, self._python("print('after-restart')"))
        assert result.exit_code == 0, result.output
        assert "after-restart" in result.output

    async def test_dump_load_round_trip(self, executor: CodeExecutor) -> None:
        """The executor saves, loads back as the same class, and saves the same again."""
        check_round_trip(executor, CodeExecutor, self.allowed_providers)

    def test_invalid_config_is_refused(self, executor: CodeExecutor) -> None:
        """A config with an invalid value fails to load, naming the field."""
        check_bad_config_is_refused(executor, self.allowed_providers)

    def test_loading_as_another_type_is_refused(self, executor: CodeExecutor) -> None:
        """The saved executor cannot be loaded where a model client is expected."""
        check_wrong_type_is_refused(executor, ChatCompletionClient, self.allowed_providers)
