"""Run Python in one stateful Jupyter kernel; a timeout interrupts the cell."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import functools
import json
import os
import re
import shutil
import signal
import tempfile
import time
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from ..._cancellation_token import CancellationToken, cancel_and_wait, discard_callback
from ..._capabilities import Capability, env_read, folder, host_code
from ..._component import Component
from ...code_executor import CodeBlock, CodeExecutor, CodeResult
from ...errors import CodeExecutionError
from ...logging import CodeExecutionEvent, emit
from ...tools._worker_threads import run_in_worker_thread
from .._env import DEFAULT_ENV_ALLOWLIST, scrubbed_env
from .._files import canonical_language, unsupported_language_message, write_new_file
from .._process import kill_process_tree

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

__all__ = ["JupyterCodeExecutor", "JupyterCodeExecutorConfig", "JupyterCodeResult"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FILE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg", "text/html": "html"}
_INTERRUPT_GRACE = 5.0


@dataclass
class JupyterCodeResult(CodeResult):
    """A :class:`CodeResult` from a Jupyter kernel.

    Attributes:
        output_files: Files written for rich outputs (images, HTML), in order.
    """

    output_files: list[Path] = field(default_factory=list[Path])


class JupyterCodeExecutorConfig(BaseModel):
    """Saved form of a :class:`JupyterCodeExecutor`."""

    model_config = ConfigDict(defer_build=True)

    kernel_name: str = "python3"
    timeout: float = 60
    work_dir: str | None = None
    output_dir: str | None = None
    max_output_bytes: int = 1_000_000
    env_allowlist: list[str] = Field(default_factory=list[str])
    env: dict[str, str] = Field(default_factory=dict[str, str])


class JupyterCodeExecutor(CodeExecutor, Component[JupyterCodeExecutorConfig]):
    """Runs Python code blocks in one stateful Jupyter kernel (no sandbox).

    Variables, imports and definitions persist from one block to the next until
    :meth:`restart`. A block that runs past ``timeout`` is interrupted (exit code 124) and
    the kernel stays usable, keeping its state; if the kernel does not respond to the
    interrupt it is restarted. Cancellation interrupts the same way (exit code 130).
    Processes a cell started are killed when it times out, is cancelled, or the executor
    stops. Rich outputs (PNG, JPEG, SVG images, HTML) are saved as files in
    ``output_dir`` and listed in :attr:`JupyterCodeResult.output_files`. The kernel gets a
    scrubbed environment, as with the local executor.

    Needs the ``jupyter`` extra (``jupyter_client`` and ``ipykernel``).

    Args:
        kernel_name: The kernel spec to start.
        timeout: Wall-clock seconds each block may run.
        output_dir: Where rich outputs are saved (default: the work directory).
        work_dir: The kernel's working directory (a temporary one by default, removed
            by :meth:`stop`).
        max_output_bytes: Output beyond this is cut, with a marker.
        env_allowlist: More variable names (or ``*`` patterns) passed to the kernel.
        env: Variables set for the kernel.

    Example:
        >>> from agentparts import CancellationToken
        >>> from agentparts.code_executor import CodeBlock
        >>> async def main() -> None:
        ...     async with JupyterCodeExecutor() as executor:
        ...         await executor.execute_code_blocks([CodeBlock("x = 41", "python")], CancellationToken())
        ...         result = await executor.execute_code_blocks(
        ...             [CodeBlock("print(x + 1)", "python")], CancellationToken()
        ...         )
        ...         assert result.output == "42\\n"
    """

    component_config_schema = JupyterCodeExecutorConfig
    component_provider_override = "agentparts.code_executors.jupyter.JupyterCodeExecutor"

    def __init__(
        self,
        kernel_name: str = "python3",
        timeout: float = 60,
        output_dir: str | Path | None = None,
        work_dir: str | Path | None = None,
        max_output_bytes: int = 1_000_000,
        env_allowlist: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}.")
        self._kernel_name = kernel_name
        self._timeout = timeout
        self._given_work_dir = Path(work_dir) if work_dir is not None else None
        self._given_output_dir = Path(output_dir) if output_dir is not None else None
        self._max_output_bytes = max_output_bytes
        self._env_allowlist = list(env_allowlist)
        self._extra_env = dict(env or {})
        self._work_dir: Path | None = None
        self._temp_dir_finalizer: Callable[[], object] | None = None
        self._manager: AsyncKernelManager | None = None
        self._client: AsyncKernelClient | None = None
        self._lock = asyncio.Lock()
        self._start_lock = asyncio.Lock()
        self._kernel_finalizer: weakref.finalize[[int], JupyterCodeExecutor] | None = None
        self._ipc_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def timeout(self) -> float:
        """Wall-clock seconds a block may run before it is interrupted."""
        return self._timeout

    @property
    def work_dir(self) -> Path:
        """The kernel's working directory (exists while started)."""
        if self._work_dir is None:
            raise CodeExecutionError("The executor is not started: call start() first.")
        return self._work_dir

    @property
    def output_dir(self) -> Path:
        """Where rich outputs are saved."""
        return self._given_output_dir or self.work_dir

    @property
    def kernel_pid(self) -> int | None:
        """The pid of the running kernel process, if any."""
        if self._manager is None or self._manager.provisioner is None:
            return None
        pid: Any = getattr(self._manager.provisioner, "pid", None)
        return pid if isinstance(pid, int) else None

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Create the work directory and start the kernel."""
        async with self._start_lock:
            await self._start_unlocked()

    async def _start_unlocked(self) -> None:
        if self._manager is not None:
            return
        try:
            from jupyter_client.manager import AsyncKernelManager
        except ImportError as exc:
            raise CodeExecutionError(
                "JupyterCodeExecutor needs jupyter_client and ipykernel: "
                "`pip install 'agentparts[jupyter]'`."
            ) from exc
        if self._work_dir is None:
            if self._given_work_dir is None:
                path = tempfile.mkdtemp(prefix="agentparts-jupyter-")
                self._temp_dir_finalizer = weakref.finalize(
                    self, shutil.rmtree, path, ignore_errors=True
                )
                self._work_dir = Path(path)
            else:
                self._work_dir = self._given_work_dir.resolve()
                self._work_dir.mkdir(parents=True, exist_ok=True)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        env = scrubbed_env((*DEFAULT_ENV_ALLOWLIST, *self._env_allowlist), self._extra_env)
        # Unix sockets in a private directory: no TCP port another local user could reach.
        self._ipc_dir = tempfile.TemporaryDirectory(prefix="agentparts-kernel-")
        manager = AsyncKernelManager(
            kernel_name=self._kernel_name,
            transport="ipc",
            ip=os.path.join(self._ipc_dir.name, "kernel"),
        )
        try:
            await manager.start_kernel(cwd=str(self._work_dir), env=env)  # pyright: ignore[reportUnknownMemberType]
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
        except Exception as exc:
            with contextlib.suppress(Exception):
                await manager.shutdown_kernel(now=True)  # pyright: ignore[reportUnknownMemberType]
            self._ipc_dir.cleanup()
            self._ipc_dir = None
            raise CodeExecutionError(
                f"The Jupyter kernel {self._kernel_name!r} did not start: {exc}. "
                "Check `jupyter kernelspec list` and that ipykernel is installed."
            ) from exc
        self._manager, self._client = manager, client
        pid = self.kernel_pid
        if pid is not None:
            # A kernel never stopped dies with its executor (or at interpreter exit).
            self._kernel_finalizer = weakref.finalize(self, _kill_group, pid)

    async def stop(self) -> None:
        """Shut the kernel down, kill what it started, remove a temporary work directory."""
        await self._shutdown_kernel()
        self._work_dir = None
        finalizer, self._temp_dir_finalizer = self._temp_dir_finalizer, None
        if finalizer is not None:  # off the event loop: the directory may be big
            await asyncio.shield(run_in_worker_thread(finalizer))

    async def restart(self) -> None:
        """Start a fresh kernel: all variables are gone (files in the work dir stay)."""
        await self._shutdown_kernel()
        await self.start()

    async def _shutdown_kernel(self) -> None:
        manager, client = self._manager, self._client
        self._manager = self._client = None
        if manager is None:
            return
        pid = getattr(manager.provisioner, "pid", None)
        if isinstance(pid, int):
            # While the kernel lives its pid is its own: kill what its cells started.
            await asyncio.to_thread(kill_process_tree, pid, keep_leader=True)
        if client is not None:
            client.stop_channels()
        with contextlib.suppress(Exception):
            await manager.shutdown_kernel(now=True)  # pyright: ignore[reportUnknownMemberType]
        if self._kernel_finalizer is not None:
            self._kernel_finalizer.detach()
            self._kernel_finalizer = None
        if self._ipc_dir is not None:
            self._ipc_dir.cleanup()
            self._ipc_dir = None

    # --- running -----------------------------------------------------------------------

    async def execute_code_blocks(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> JupyterCodeResult:
        """Run Python ``code_blocks`` in the kernel, one after the other.

        The executor starts itself on first use. Running stops at the first block that
        raises, times out (124) or is cancelled (130).

        Args:
            code_blocks: The blocks to run (language ``python``).
            cancellation_token: Cancelling it interrupts the running cell.

        Returns:
            The exit code, the output (streams, results, errors without color codes) and
            the files saved for rich outputs.
        """
        if self._manager is None:
            await self.start()
        started = time.perf_counter()
        async with self._lock:
            result = await self._execute_locked(code_blocks, cancellation_token)
        emit(
            CodeExecutionEvent(
                executor=type(self).__name__,
                languages=[b.language for b in code_blocks],
                exit_code=result.exit_code,
                duration=time.perf_counter() - started,
                output_files=[str(p) for p in result.output_files],
            )
        )
        return result

    async def _execute_locked(
        self, code_blocks: list[CodeBlock], cancellation_token: CancellationToken
    ) -> JupyterCodeResult:
        outputs: list[str] = []
        files: list[Path] = []
        exit_code = 0
        for block in code_blocks:
            if canonical_language(block.language) != "python":
                outputs.append(unsupported_language_message(block.language, ["python"]))
                exit_code = 1
                break
            exit_code = await self._run_cell(block.code, cancellation_token, outputs, files)
            if exit_code != 0:
                break
        return JupyterCodeResult(
            exit_code=exit_code,
            output=_cap("".join(outputs), self._max_output_bytes),
            output_files=files,
        )

    async def _run_cell(
        self,
        code: str,
        cancellation_token: CancellationToken,
        outputs: list[str],
        files: list[Path],
    ) -> int:
        if self._client is None:
            await self.start()
        client = self._client
        assert client is not None
        msg_id = client.execute(code, store_history=True, allow_stdin=False)
        loop = asyncio.get_running_loop()
        cancelled: asyncio.Future[None] = loop.create_future()

        def _on_cancel() -> None:
            loop.call_soon_threadsafe(
                lambda: None if cancelled.done() else cancelled.set_result(None)
            )

        cancellation_token.add_callback(_on_cancel)
        collect = asyncio.create_task(self._collect(client, msg_id, outputs, files))
        try:
            done, _ = await asyncio.wait(
                {collect, cancelled}, timeout=self._timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if collect in done:
                return collect.result()
            stopped_by_cancel = cancelled in done
            await self._interrupt(collect)
            if stopped_by_cancel:
                outputs.append(
                    "\n[cancelled: the cell was interrupted; the kernel keeps its state]"
                )
                return 130
            outputs.append(
                f"\n[timeout: the cell timed out after {self._timeout:g} s and was interrupted; "
                "the kernel keeps its state]"
            )
            return 124
        finally:
            discard_callback(cancellation_token, _on_cancel)
            if not collect.done():
                await cancel_and_wait(collect)
            if not cancelled.done():
                cancelled.cancel()

    async def _interrupt(self, collect: asyncio.Task[int]) -> None:
        """Interrupt the cell and kill what it started; restart a kernel that ignores it."""
        assert self._manager is not None
        pid = self.kernel_pid
        if pid is not None:
            await asyncio.to_thread(kill_process_tree, pid, keep_leader=True)
        await self._manager.interrupt_kernel()  # pyright: ignore[reportUnknownMemberType]
        try:
            await asyncio.wait_for(asyncio.shield(collect), timeout=_INTERRUPT_GRACE)
        except TimeoutError:
            await self._shutdown_kernel()
            await self.start()

    async def _collect(
        self, client: AsyncKernelClient, msg_id: str, outputs: list[str], files: list[Path]
    ) -> int:
        exit_code = 0
        # Past the cap, output is drained and dropped (memory stays bounded); _cap then
        # cuts what was kept and adds the marker.
        budget = self._max_output_bytes + 1 - sum(len(o) for o in outputs)
        while True:
            msg: dict[str, Any] = await client.get_iopub_msg()
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind: str = msg["msg_type"]
            content: dict[str, Any] = msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                return exit_code
            if budget <= 0:
                if kind == "error":
                    exit_code = 1
                continue
            before = len(outputs)
            if kind == "stream":
                outputs.append(str(content.get("text", "")))
            elif kind in ("execute_result", "display_data"):
                outputs.append(await self._rich_output(content.get("data", {}), files))
            elif kind == "error":
                exit_code = 1
                traceback = "\n".join(str(line) for line in content.get("traceback", []))
                outputs.append(_ANSI.sub("", traceback) + "\n")
            budget -= sum(len(o) for o in outputs[before:])

    async def _rich_output(self, data: dict[str, Any], files: list[Path]) -> str:
        """Save a rich output as a new file; what the cell sent never raises here."""
        for mime, extension in _FILE_TYPES.items():
            if mime not in data:
                continue
            name = f"output_{uuid.uuid4().hex[:12]}.{extension}"
            payload: Any = data[mime]
            try:
                if mime in ("image/png", "image/jpeg"):
                    content = base64.b64decode(str(payload), validate=False)
                else:
                    text = payload if isinstance(payload, str) else json.dumps(payload)
                    content = text.encode("utf-8", "backslashreplace")
                # A new file (never an existing name, never through a link), off the loop.
                await run_in_worker_thread(
                    functools.partial(write_new_file, self.output_dir, name, content)
                )
            except (binascii.Error, ValueError, TypeError) as exc:
                return f"[{mime} output could not be decoded: {exc}]\n"
            except OSError as exc:
                return f"[{mime} output could not be saved in {self.output_dir}: {exc.strerror}]\n"
            path = self.output_dir / name
            files.append(path)
            return f"[{mime} saved to {path}]\n"
        text = data.get("text/plain")
        return f"{text}\n" if text is not None else ""

    # --- config ------------------------------------------------------------------------

    def _to_config(self) -> JupyterCodeExecutorConfig:
        return JupyterCodeExecutorConfig(
            kernel_name=self._kernel_name,
            timeout=self._timeout,
            work_dir=str(self._given_work_dir) if self._given_work_dir else None,
            output_dir=str(self._given_output_dir) if self._given_output_dir else None,
            max_output_bytes=self._max_output_bytes,
            env_allowlist=self._env_allowlist,
            env=self._extra_env,
        )

    @classmethod
    def _from_config(cls, config: JupyterCodeExecutorConfig) -> Self:
        return cls(**config.model_dump())

    @classmethod
    def _capabilities(cls, config: JupyterCodeExecutorConfig) -> list[Capability]:
        found = [host_code(f"a {config.kernel_name} Jupyter kernel", "host process, no sandbox")]
        found += [
            folder(p, "reads and writes", "kernel work / output dir")
            for p in (config.work_dir, config.output_dir)
            if p
        ]
        found += [env_read(n, "passed to the executed code") for n in config.env_allowlist]
        return found


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def _cap(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    cut = data[:limit].decode(errors="ignore")
    return cut + f"\n[output truncated: it exceeded {limit} bytes]"
