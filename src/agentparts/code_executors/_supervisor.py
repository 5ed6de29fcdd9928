"""Host side of a supervisor: one long-lived process per executor that starts every run.

Starting each run from a small supervisor (see :mod:`._supervisor_source`) instead of
from the host process does three things: the supervisor reaps every process of a run,
so none is left as a zombie where the host's pid 1 never reaps; it tracks what a run
starts however it detaches (as a child subreaper, or as pid 1 of a sandbox); and a run
costs one ``fork`` of a small process instead of a new sandbox, which is what makes a
sandboxed run about as fast as a bare subprocess.

Timeouts, cancellation, the output cap and stop() are enforced from the host: the host
kills the run's processes (the supervisor's descendants, and every process of the run's
cgroup but the supervisor), and if the supervisor does not report within a few seconds it
kills the supervisor too; the next run starts a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import weakref
from collections.abc import Callable, Mapping, Sequence

from .._cancellation_token import CancellationToken
from ..errors import CodeExecutionError
from ._cgroups import RunCgroup, remove_later
from ._process import (
    OutputCollector,
    ProcessOutcome,
    SpawnOptions,
    finish_outcome,
    kill_process_tree,
    wait_for_end,
)

__all__ = ["Supervisor"]

_REPORT_WAIT = 5.0
_START_WAIT = 30.0


def _child_of(parent: int) -> int | None:
    try:
        with open(f"/proc/{parent}/task/{parent}/children") as f:
            pids = f.read().split()
    except OSError:
        pids: list[str] = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if int(data[data.rfind(b")") + 2 :].split()[1]) == parent:
                pids.append(name)
    return int(pids[0]) if pids else None


class Supervisor:
    """A supervisor process and the runs it starts, one at a time.

    Args:
        command: Builds the command that starts the supervisor, given the number of the
            control socket descriptor it inherits (the source and mode come last).
        spawn: Uid, rlimits (``preexec_fn``) and descriptors of the supervisor process.
        nested: The supervisor runs as the child of the started process (bubblewrap's
            monitor), not as that process itself.
        cgroup: Makes the cgroup every process of the supervisor lives in (None: none).
        name: What the supervisor is, for error messages ("sandbox").
    """

    def __init__(
        self,
        command: Callable[[int], list[str]],
        *,
        spawn: SpawnOptions,
        nested: bool,
        cgroup: Callable[[], RunCgroup | None] | None = None,
        name: str = "supervisor",
    ) -> None:
        self._command = command
        self._spawn = spawn
        self._nested = nested
        self._make_cgroup = cgroup
        self._name = name
        self._proc: subprocess.Popen[bytes] | None = None
        self._socket: socket.socket | None = None
        self._worker: int | None = None
        self.cgroup: RunCgroup | None = None
        self._finalizer: weakref.finalize[..., Supervisor] | None = None
        self._lock = asyncio.Lock()

    @property
    def running(self) -> bool:
        """Whether the supervisor is up (started and not ended)."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def own_pids(self) -> set[int]:
        """Host pids of the supervisor's own processes (bubblewrap's monitor, the supervisor)."""
        pids = {self._proc.pid} if self._proc is not None else set[int]()
        if self._worker is not None:
            pids.add(self._worker)
        return pids

    @property
    def pid(self) -> int | None:
        """The host pid of the started process (bubblewrap, or the supervisor itself)."""
        return self._proc.pid if self._proc is not None else None

    async def start(self, pass_fds: tuple[int, ...] = ()) -> None:
        """Start the supervisor (if it is not running) and wait until it is ready.

        Args:
            pass_fds: More descriptors the started process inherits, this time.

        Raises:
            CodeExecutionError: It did not start (with what it printed).
        """
        if self._proc is not None:
            if self._proc.poll() is None:
                return
            await self.close()  # it ended (killed from outside): clean up, start anew
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cgroup = self._make_cgroup() if self._make_cgroup is not None else None
        spawn = self._spawn
        preexec = spawn.preexec_fn

        def prepare() -> None:
            # Join the cgroup while still root, then switch uid (Popen would switch first).
            if cgroup is not None:
                cgroup.join()
            if spawn.extra_groups is not None:
                os.setgroups(spawn.extra_groups)
            if spawn.group is not None:
                os.setgid(spawn.group)
            if spawn.user is not None:
                os.setuid(spawn.user)
            if preexec is not None:
                preexec()

        try:
            # Once per executor: inline is cheaper than a thread hop.
            proc = subprocess.Popen(  # noqa: ASYNC220
                self._command(child.fileno()),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd="/",
                env={},
                start_new_session=True,
                preexec_fn=prepare,
                pass_fds=(child.fileno(), *spawn.pass_fds, *pass_fds),
            )
        except BaseException:
            parent.close()
            child.close()
            if cgroup is not None:
                cgroup.remove()
            raise
        child.close()
        self._proc, self._socket, self.cgroup = proc, parent, cgroup
        ready = await asyncio.to_thread(self._wait_ready)
        if not ready:
            stderr = await asyncio.to_thread(self._stderr)
            await self.close()
            raise CodeExecutionError(
                f"The {self._name} did not start: {stderr.strip() or 'no message'}. Check that "
                "the interpreter and bubblewrap work here (see docs/code-execution.md)."
            )
        if proc.stderr is not None:
            proc.stderr.close()  # only start-up errors are read; it prints nothing later
        self._worker = _child_of(proc.pid) if self._nested else proc.pid
        # Dropped without close(): the supervisor sees its requests end, kills what runs
        # and exits; the cgroup is removed by the next one made.
        self._finalizer = weakref.finalize(self, _abandon, proc, parent, cgroup, self._worker)
        if self._worker is None:
            await self.close()
            raise CodeExecutionError(f"The {self._name} ended right after it started.")

    def _wait_ready(self) -> bool:
        assert self._socket is not None
        self._socket.settimeout(_START_WAIT)
        try:
            message = self._socket.recv(4096)
        except OSError:
            return False
        finally:
            self._socket.settimeout(None)
        return message == b'{"ready": true}'

    def _stderr(self) -> str:
        proc = self._proc
        if proc is None or proc.stderr is None:
            return ""
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2)
        if proc.poll() is None:
            return ""
        return proc.stderr.read(4096).decode(errors="replace")

    async def run(
        self,
        argv: Sequence[str],
        *,
        cwd: str,
        env: Mapping[str, str],
        timeout: float,
        max_output_bytes: int,
        cancellation_token: CancellationToken | None = None,
        monitor: Callable[[], str | None] | None = None,
        cpu_seconds: int | None = None,
    ) -> ProcessOutcome:
        """Run ``argv`` under the supervisor (started if needed) and return how it ended.

        Whatever ends the run, every process it started is dead and reaped afterwards.
        """
        async with self._lock:
            await self.start()
            return await self._run(
                argv,
                cwd=cwd,
                env=env,
                timeout=timeout,
                max_output_bytes=max_output_bytes,
                cancellation_token=cancellation_token,
                monitor=monitor,
                cpu_seconds=cpu_seconds,
            )

    async def _run(
        self,
        argv: Sequence[str],
        *,
        cwd: str,
        env: Mapping[str, str],
        timeout: float,
        max_output_bytes: int,
        cancellation_token: CancellationToken | None,
        monitor: Callable[[], str | None] | None,
        cpu_seconds: int | None,
    ) -> ProcessOutcome:
        sock = self._socket
        assert sock is not None
        loop = asyncio.get_running_loop()
        request = {"argv": list(argv), "cwd": cwd, "env": dict(env), "cpu": cpu_seconds}
        read_end, write_end = os.pipe()
        try:
            socket.send_fds(sock, [json.dumps(request).encode()], [write_end])
        except OSError:
            os.close(read_end)
            await self.close()
            return ProcessOutcome(
                exit_code=1, output=f"[stopped: the {self._name} ended; run the code again]"
            )
        finally:
            os.close(write_end)
        output = OutputCollector(read_end, max_output_bytes)
        report: asyncio.Future[int | None] = loop.create_future()

        def on_control() -> None:
            try:
                message = sock.recv(4096)
            except BlockingIOError:
                return
            except OSError:
                message = b""
            loop.remove_reader(control_fd)
            if report.done():
                return
            try:
                report.set_result(int(json.loads(message)["exit"]) if message else None)
            except (ValueError, KeyError, TypeError):
                report.set_result(None)

        sock.setblocking(False)
        control_fd = sock.fileno()
        loop.add_reader(control_fd, on_control)
        outcome = ProcessOutcome(exit_code=0, output="")
        oom_before = self.cgroup.oom_kills() if self.cgroup is not None else 0
        try:
            outcome = await wait_for_end(
                report,
                output.overflow,
                timeout=timeout,
                cancellation_token=cancellation_token,
                monitor=monitor,
            )
        finally:
            code = await self._end_run(report, control_fd)
            if not await output.finish():
                await self.close()  # something still holds the output: nothing may stay
            output.close()
        text = output.text
        if code is None:
            code = -9
            if not (outcome.timed_out or outcome.cancelled or outcome.truncated):
                text += f"\n[the {self._name} ended during the run; the next run starts a new one]"
        if self.cgroup is not None and self.cgroup.oom_kills() > oom_before:
            limit = self.cgroup.memory_limit_bytes
            text += (
                f"\n[memory: the run went over its memory limit of {limit} bytes (all its "
                "processes together) and the kernel killed a process of it]"
            )
        return finish_outcome(
            outcome, code, text, timeout=timeout, max_output_bytes=max_output_bytes
        )

    async def _end_run(self, report: asyncio.Future[int | None], control_fd: int) -> int | None:
        """Make sure the run is over (killing it if need be); its raw exit status."""
        try:
            await self._await_report(report)
        finally:
            asyncio.get_running_loop().remove_reader(control_fd)
        if not report.done():
            report.cancel()
            await self.close()
            return None
        code = report.result()
        if code is None:
            await self.close()
        return code

    async def _await_report(self, report: asyncio.Future[int | None]) -> None:
        if not report.done():
            await asyncio.to_thread(self._kill_run)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(report), timeout=_REPORT_WAIT)

    def _kill_run(self) -> None:
        """SIGKILL every process of the current run, sparing the supervisor (a thread)."""
        worker, proc = self._worker, self._proc
        if worker is not None:
            kill_process_tree(worker, keep_leader=True)
        if self.cgroup is not None and proc is not None:
            spare = {proc.pid, worker}
            for pid in self.cgroup.pids():
                if pid not in spare:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, 9)

    async def kill_run(self) -> None:
        """Kill the run in progress, if any (the supervisor reports it and stays)."""
        if self._proc is not None:
            await asyncio.to_thread(self._kill_run)

    async def close(self) -> None:
        """Kill everything, let the supervisor reap it and end, and reap the supervisor."""
        proc, sock, cgroup = self._proc, self._socket, self.cgroup
        if proc is None:
            return
        self._proc = self._socket = self.cgroup = None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        await asyncio.shield(asyncio.to_thread(self._close, proc, sock, cgroup))
        self._worker = None

    def _close(
        self, proc: subprocess.Popen[bytes], sock: socket.socket | None, cgroup: RunCgroup | None
    ) -> None:
        worker = self._worker
        if worker is not None:
            kill_process_tree(worker, keep_leader=True)
        if sock is not None:
            sock.close()  # the supervisor sees the end of its requests and exits
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            # Kill the supervisor before its parent (bubblewrap), so the parent reaps it.
            if worker is not None and worker != proc.pid:
                kill_process_tree(worker)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=2)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        if cgroup is not None:
            cgroup.kill()
            cgroup.remove()


def _abandon(
    proc: subprocess.Popen[bytes],
    sock: socket.socket,
    cgroup: RunCgroup | None,
    worker: int | None,
) -> None:
    sock.close()
    try:
        proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        if worker is not None:
            kill_process_tree(worker)  # the supervisor first, so bubblewrap reaps it
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=1)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if cgroup is not None:
        remove_later(cgroup)
