"""The process machinery under every executor's supervisor: output, ends, leftovers.

How a run ends (timeout, cancellation, output cap, a monitor's reason) and what it printed;
every process of a run is found through ``/proc`` (same session, same process group, or a
descendant) and killed, however the run ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._cancellation_token import CancellationToken, discard_callback, wait_shielded

__all__ = [
    "OutputCollector",
    "ProcessOutcome",
    "SpawnOptions",
    "finish_outcome",
    "kill_process_tree",
    "processes_of_uid",
    "wait_for_end",
]

_READ_CHUNK = 65536
_MONITOR_INTERVAL = 0.05


@dataclass
class ProcessOutcome:
    """How a run ended.

    Attributes:
        exit_code: The exit code; 124 on timeout; ``128 + signal`` when killed by a signal.
        output: Standard output and error, decoded, with a marker if something stopped it.
        timed_out: The wall-clock timeout was reached.
        cancelled: The cancellation token was cancelled.
        truncated: The output went over the cap and the run was stopped.
        stopped_reason: Why a monitor stopped the run, if one did.
    """

    exit_code: int
    output: str
    timed_out: bool = False
    cancelled: bool = False
    truncated: bool = False
    stopped_reason: str | None = None


def _read_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, ppid, pgrp, session) of ``pid``, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1]), int(fields[2]), int(fields[3])


def _all_pids(newer_than: int | None = None) -> list[int]:
    """Pids in /proc; with ``newer_than``, only those created after that pid.

    Pids grow until they wrap at ``pid_max``: when the last pid handed out is below
    ``newer_than`` they wrapped, and every pid is returned.
    """
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:  # no /proc (not Linux): only the process group can be killed
        return []
    if newer_than is None or _last_pid() < newer_than:
        return pids
    return [pid for pid in pids if pid >= newer_than]


def _last_pid() -> int:
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return -1


def _tree_members(leader: int) -> set[int]:
    """Live processes in ``leader``'s session or group, and all their descendants."""
    stats: dict[int, tuple[str, int, int, int]] = {}
    # Everything a run starts is newer than its leader.
    for pid in _all_pids(newer_than=leader):
        stat = _read_stat(pid)
        if stat is not None and stat[0] not in ("Z", "X"):
            stats[pid] = stat
    members = {pid for pid, (_, _, pgrp, sid) in stats.items() if leader in (pgrp, sid)}
    if leader in stats:
        members.add(leader)
    grew = True
    while grew:
        grew = False
        for pid, (_, ppid, _, _) in stats.items():
            if ppid in members and pid not in members:
                members.add(pid)
                grew = True
    members.discard(os.getpid())
    return members


def processes_of_uid(uid: int, newer_than: int | None = None) -> list[int]:
    """Live (non-zombie) processes whose real or effective uid is ``uid``.

    Args:
        uid: The uid.
        newer_than: Only look at processes started after this pid.
    """
    found: list[int] = []
    for pid in _all_pids(newer_than):
        try:
            with open(f"/proc/{pid}/status", "rb") as f:
                status = f.read()
        except OSError:
            continue
        state = uids = b""
        for line in status.splitlines():
            if line.startswith(b"State:"):
                state = line.split()[1]
            elif line.startswith(b"Uid:"):
                uids = line
                break
        fields = uids.split()
        if state not in (b"Z", b"X") and str(uid).encode() in fields[1:3]:
            found.append(pid)
    return found


def kill_process_tree(leader: int, *, keep_leader: bool = False) -> None:
    """SIGKILL ``leader``'s group, session and descendants.

    With ``keep_leader``, the leader itself survives (and its group is not signalled).

    Repeats until nothing is left, so processes forked while killing are caught too.
    """
    for _ in range(200):
        targets = _tree_members(leader)
        if keep_leader:
            targets.discard(leader)
        if not targets:
            return
        if not keep_leader:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(leader, signal.SIGKILL)
        for pid in targets:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        # Killed processes linger for a moment before they become zombies.
        for _ in range(50):
            if not any(_alive(pid) for pid in targets):
                break
            _sleep_briefly()


def _alive(pid: int) -> bool:
    stat = _read_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _sleep_briefly() -> None:
    time.sleep(0.002)


async def _monitor(check: Callable[[], str | None], stop: asyncio.Future[str]) -> None:
    interval = _MONITOR_INTERVAL
    while not stop.done():
        await asyncio.sleep(interval)
        started = time.perf_counter()
        reason = await asyncio.to_thread(check)
        if reason is not None and not stop.done():
            stop.set_result(reason)
        # A slow check (a big directory) runs less often: at most a fifth of the time.
        interval = max(_MONITOR_INTERVAL, 4 * (time.perf_counter() - started))


@dataclass(frozen=True)
class SpawnOptions:
    """How to start the process, beyond command, directory and environment.

    Attributes:
        user: Host uid to run as.
        group: Host gid to run as.
        extra_groups: Supplementary groups (``[]`` drops root's).
        preexec_fn: Called in the child before exec (after the uid switch).
        pass_fds: File descriptors the child inherits.
    """

    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None
    preexec_fn: Callable[[], Any] | None = None
    pass_fds: tuple[int, ...] = ()


class OutputCollector:
    """Reads a run's output pipe from the event loop, up to a cap.

    Args:
        fd: The read end of the pipe (made non-blocking; closed by :meth:`close`).
        max_output_bytes: Output beyond this is dropped and :attr:`overflow` is set.
    """

    def __init__(self, fd: int, max_output_bytes: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._fd = fd
        self._max = max_output_bytes
        self._chunks: list[bytes] = []
        self._size = 0
        self.eof: asyncio.Future[None] = self._loop.create_future()
        self.overflow: asyncio.Future[None] = self._loop.create_future()
        os.set_blocking(fd, False)
        self._loop.add_reader(fd, self.read_available)

    def read_available(self) -> None:
        """Read what the pipe holds now (called by the loop when it is readable)."""
        while True:
            try:
                chunk = os.read(self._fd, _READ_CHUNK)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self._loop.remove_reader(self._fd)
                if not self.eof.done():
                    self.eof.set_result(None)
                return
            if self._size >= self._max:
                continue  # already over the cap: drain and drop until the run is killed
            if self._size + len(chunk) > self._max:
                chunk = chunk[: self._max - self._size]
                if not self.overflow.done():
                    self.overflow.set_result(None)
            self._chunks.append(chunk)
            self._size += len(chunk)

    async def finish(self, wait: float = 2.0) -> bool:
        """Read to the end of the output (at most ``wait`` seconds); whether it ended."""
        await wait_shielded(self.eof, wait)
        self.read_available()
        return self.eof.done()

    def close(self) -> None:
        """Stop reading and close the pipe."""
        self._loop.remove_reader(self._fd)
        for future in (self.eof, self.overflow):
            if not future.done():
                future.cancel()
        with contextlib.suppress(OSError):
            os.close(self._fd)

    @property
    def text(self) -> str:
        """The output so far, decoded."""
        return b"".join(self._chunks).decode("utf-8", errors="replace")


def finish_outcome(
    outcome: ProcessOutcome, code: int, output: str, *, timeout: float, max_output_bytes: int
) -> ProcessOutcome:
    """Fill in the exit code and output of ``outcome``, with a marker for how it stopped.

    Args:
        outcome: Flags of how the run ended.
        code: The raw exit status (negative: killed by that signal).
        output: The output read.
        timeout: The timeout of the run (for the marker).
        max_output_bytes: The output cap (for the marker).
    """
    outcome.exit_code = code if code >= 0 else 128 - code
    outcome.output = output
    if outcome.truncated:
        outcome.output += (
            f"\n[output truncated: it exceeded {max_output_bytes} bytes, so the run was stopped]"
        )
    if outcome.timed_out:
        outcome.exit_code = 124
        outcome.output += (
            f"\n[Timeout: the run timed out after {timeout:g} s and all its processes were killed]"
        )
    if outcome.cancelled:
        outcome.exit_code = 130
        outcome.output += "\n[Cancelled: the run was cancelled and all its processes were killed]"
    if outcome.stopped_reason is not None:
        outcome.exit_code = 1
        outcome.output += f"\n[stopped: {outcome.stopped_reason}]"
    return outcome


async def wait_for_end(
    finished: asyncio.Future[Any],
    overflow: asyncio.Future[None],
    *,
    timeout: float,
    cancellation_token: CancellationToken | None,
    monitor: Callable[[], str | None] | None,
) -> ProcessOutcome:
    """Wait until ``finished`` or ``overflow`` is done, the timeout passes, the token is
    cancelled or ``monitor`` returns a reason; the returned flags say which."""
    loop = asyncio.get_running_loop()
    stop: asyncio.Future[str] = loop.create_future()
    monitor_task = asyncio.create_task(_monitor(monitor, stop)) if monitor else None

    def _on_cancel() -> None:
        loop.call_soon_threadsafe(lambda: None if stop.done() else stop.set_result("cancelled"))

    if cancellation_token is not None:
        cancellation_token.add_callback(_on_cancel)
    outcome = ProcessOutcome(exit_code=0, output="")
    try:
        done, _ = await asyncio.wait(
            {finished, overflow, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if finished in done:
            pass
        elif stop in done:
            reason = stop.result()
            if reason == "cancelled":
                outcome.cancelled = True
            else:
                outcome.stopped_reason = reason
        elif overflow in done:
            outcome.truncated = True
        else:
            outcome.timed_out = True
    finally:
        if cancellation_token is not None:
            discard_callback(cancellation_token, _on_cancel)
        if monitor_task is not None:
            monitor_task.cancel()
        if not stop.done():
            stop.cancel()
    return outcome
