"""What the local and the sandboxed executor share: work dir, code files, the block loop."""

from __future__ import annotations

import asyncio
import functools
import shutil
import tempfile
import time
import weakref
from abc import abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path

from .._cancellation_token import CancellationToken
from ..code_executor import (
    CodeBlock,
    CodeExecutor,
    CommandLineCodeResult,
    FunctionWithRequirements,
    FunctionWithRequirementsStr,
    build_python_functions_file,
    to_stub,
)
from ..code_executor._func_with_reqs import AnyFunction
from ..errors import CodeExecutionError
from ..logging import CodeExecutionEvent, emit
from ..tools._worker_threads import run_in_worker_thread
from ._files import (
    CodeFile,
    CodeFileError,
    canonical_language,
    code_file_for,
    remove_code_files,
    unsupported_language_message,
    write_code_file,
)
from ._process import ProcessOutcome

__all__ = ["CommandLineExecutorBase"]

_FUNCTIONS_PROMPT = """You have access to the following user defined functions. \
They can be accessed from the module called `$module_name` by their function names.

For example, if there was a function called `foo` you could import it by writing \
`from $module_name import foo`

$functions"""


class CommandLineExecutorBase(CodeExecutor):
    """Runs each block as a file in a work directory, one block after the other.

    Subclasses say which languages they run, how a file is run, and with what limits.
    """

    def __init__(
        self,
        *,
        timeout: float,
        work_dir: str | Path | None,
        functions: Sequence[AnyFunction],
        functions_module: str,
        cleanup_temp_files: bool,
        max_output_bytes: int,
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}.")
        if max_output_bytes <= 0:
            raise ValueError(f"max_output_bytes must be positive, got {max_output_bytes}.")
        if not functions_module.isidentifier():
            raise ValueError(
                f"functions_module {functions_module!r} is not a valid Python module name."
            )
        self._timeout = timeout
        self._given_work_dir = Path(work_dir) if work_dir is not None else None
        self._functions = list(functions)
        self._functions_module = functions_module
        self._cleanup_temp_files = cleanup_temp_files
        self._max_output_bytes = max_output_bytes
        self._work_dir: Path | None = None
        self._temp_dir_finalizer: Callable[[], object] | None = None
        self._lock = asyncio.Lock()
        self._start_lock = asyncio.Lock()

    # --- properties ------------------------------------------------------------------

    @property
    def timeout(self) -> float:
        """Wall-clock seconds a block may run before it is stopped (exit code 124)."""
        return self._timeout

    @property
    def work_dir(self) -> Path:
        """The work directory (a temporary one unless given; created by :meth:`start`)."""
        if self._work_dir is not None:
            return self._work_dir
        if self._given_work_dir is not None:
            return self._given_work_dir
        raise RuntimeError(
            "The temporary work directory exists only while the executor runs: call start()."
        )

    @property
    def functions_module(self) -> str:
        """The module name under which executed code can import the given functions."""
        return self._functions_module

    @property
    def functions(self) -> list[str]:
        """Names of the functions executed code can import."""
        return [_function_name(f) for f in self._functions]

    @property
    def cleanup_temp_files(self) -> bool:
        """Whether auto-named code files are deleted after they ran."""
        return self._cleanup_temp_files

    @property
    def started(self) -> bool:
        """Whether the executor is started."""
        return self._work_dir is not None

    def format_functions_for_prompt(self, prompt_template: str = _FUNCTIONS_PROMPT) -> str:
        """A prompt that tells a model which functions it can import, and how."""
        from string import Template

        return Template(prompt_template).substitute(
            module_name=self._functions_module,
            functions="\n\n".join(to_stub(f) for f in self._functions),
        )

    # --- subclass hooks ----------------------------------------------------------------

    @property
    @abstractmethod
    def supported_languages(self) -> list[str]:
        """Canonical names of the languages this executor runs."""

    @abstractmethod
    def _command(self, language: str, code_file: Path) -> list[str]:
        """The command that runs ``code_file``."""

    @abstractmethod
    async def _run(self, argv: list[str], cancellation_token: CancellationToken) -> ProcessOutcome:
        """Run ``argv`` in the work directory with the executor's limits."""

    def _file_owner(self) -> tuple[int, int] | None:
        """Who must own files written into the work directory (None: whoever writes)."""
        return None

    async def _prepare_work_dir(self, work_dir: Path) -> None:
        """Called by :meth:`start` once the work directory exists."""

    async def _release(self) -> None:
        """Called by :meth:`stop` before the work directory is removed."""

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Create the work directory (a temporary one unless given) and the functions module."""
        async with self._start_lock:
            if self._work_dir is not None:
                return
            if self._given_work_dir is None:
                path = tempfile.mkdtemp(prefix="agentparts-code-")
                # Removed on stop(), or when the executor is garbage collected without stop().
                self._temp_dir_finalizer = weakref.finalize(
                    self, shutil.rmtree, path, ignore_errors=True
                )
                work_dir = Path(path)
            else:
                work_dir = self._given_work_dir.resolve()
                work_dir.mkdir(parents=True, exist_ok=True)
            try:
                await self._prepare_work_dir(work_dir)
                if self._functions:
                    await self._write_functions_module(work_dir)
            except BaseException:
                # A failed start leaves nothing behind: no uid held, no temporary directory.
                await self._release()
                await self._remove_temp_dir()
                raise
            self._work_dir = work_dir

    async def stop(self) -> None:
        """Stop any run and remove the temporary work directory (a given one is kept)."""
        async with self._lock:
            if self._work_dir is None:
                return
            await self._release()
            self._work_dir = None
            await self._remove_temp_dir()

    async def restart(self) -> None:
        """Stop and start again; a temporary work directory starts empty."""
        await self.stop()
        await self.start()

    async def _write_functions_module(self, work_dir: Path) -> None:
        file = CodeFile(work_dir, (f"{self._functions_module}.py",), named=True)
        code = build_python_functions_file(self._functions)
        write = functools.partial(write_code_file, file, code, owner=self._file_owner())
        try:
            await run_in_worker_thread(write)
        except CodeFileError as exc:
            raise CodeExecutionError(
                f"The functions module cannot be written into the work directory {work_dir}: {exc}"
            ) from None

    async def _remove_temp_dir(self) -> None:
        """Remove the temporary work directory (off the event loop: it may be big)."""
        finalizer, self._temp_dir_finalizer = self._temp_dir_finalizer, None
        if finalizer is not None:
            # shutil.rmtree deletes links and pipes without following or opening them.
            await asyncio.shield(run_in_worker_thread(finalizer))

    # --- running -----------------------------------------------------------------------

    async def execute_code_blocks(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CommandLineCodeResult:
        """Run ``code_blocks`` one after the other, each as a file in the work directory.

        The executor starts itself on first use if :meth:`start` was not called. Running
        stops at the first block that fails; the output of every block run is returned.

        Args:
            code_blocks: The blocks to run.
            cancellation_token: Cancelling it stops the run and kills its processes.

        Returns:
            The exit code of the last block run (124 on timeout), the output, and the file
            the last block was written to.
        """
        if self._work_dir is None:
            await self.start()
        async with self._lock:
            started = time.perf_counter()
            result = await self._execute_locked(code_blocks, cancellation_token)
        emit(
            CodeExecutionEvent(
                executor=type(self).__name__,
                languages=[b.language for b in code_blocks],
                exit_code=result.exit_code,
                duration=time.perf_counter() - started,
                code_file=result.code_file,
            )
        )
        return result

    async def _execute_locked(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> CommandLineCodeResult:
        if self._work_dir is None:
            await self.start()
        work_dir = self.work_dir
        outputs: list[str] = []
        exit_code = 0
        code_file: Path | None = None
        written: list[CodeFile] = []
        try:
            for block in code_blocks:
                if cancellation_token.is_cancelled():
                    outputs.append("[Cancelled: the run was cancelled before this block]")
                    exit_code = 130
                    break
                language = canonical_language(block.language)
                if language is None or language not in self.supported_languages:
                    outputs.append(
                        unsupported_language_message(block.language, self.supported_languages)
                    )
                    exit_code = 1
                    break
                try:
                    file = code_file_for(work_dir, block.code, language)
                    # Off the event loop, and safe against what earlier blocks left behind
                    # (pipes, links, devices, directories): see _files.
                    await run_in_worker_thread(
                        functools.partial(
                            write_code_file, file, block.code, owner=self._file_owner()
                        )
                    )
                except CodeFileError as exc:
                    outputs.append(str(exc))
                    exit_code = 1
                    break
                code_file = file.path
                if not file.named:
                    written.append(file)  # named files are the code's to keep
                outcome = await self._run(self._command(language, code_file), cancellation_token)
                outputs.append(outcome.output)
                exit_code = outcome.exit_code
                if exit_code != 0:
                    break
        finally:
            if self._cleanup_temp_files and written:
                # Shielded: a cancelled run still removes its files.
                await asyncio.shield(
                    run_in_worker_thread(functools.partial(remove_code_files, written))
                )
        return CommandLineCodeResult(
            exit_code=exit_code,
            output="".join(outputs) if len(outputs) < 2 else _join_outputs(outputs),
            code_file=str(code_file) if code_file is not None else None,
        )


def _join_outputs(outputs: list[str]) -> str:
    return "".join(o if o.endswith("\n") or not o else o + "\n" for o in outputs)


def _function_name(func: AnyFunction) -> str:
    if isinstance(func, FunctionWithRequirements | FunctionWithRequirementsStr):
        return func.name
    return func.__name__
