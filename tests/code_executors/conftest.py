"""Helpers for the executor tests: find processes a run may have left behind."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest


def _is_live(pid: str) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    state = stat[stat.rfind(b")") + 2 :].split()[0]
    return state not in (b"Z", b"X")


def live_processes_with(marker: str) -> list[int]:
    """Live processes (not zombies) whose command line contains ``marker``."""
    found: list[int] = []
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if marker.encode() in cmdline and _is_live(pid):
            found.append(int(pid))
    return found


def live_processes_of_uid(uid: int) -> list[int]:
    """Live processes whose real uid is ``uid``."""
    found: list[int] = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:") and line.split()[1] == str(uid) and _is_live(pid):
                found.append(int(pid))
    return found


class Listener:
    """A TCP server on the host's 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def exists(path: str | Path) -> bool:
    """Whether ``path`` exists (sync, for use in async tests)."""
    return os.path.lexists(path)


def read_text(path: str | Path) -> str:
    """The text of ``path`` (sync, for use in async tests)."""
    return Path(path).read_text(errors="replace")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary directory that other users (the sandbox uids) can reach."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="agentparts-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def listdir(path: str | Path) -> list[str]:
    """The names in a directory (sync, for use in async tests)."""
    return os.listdir(path)
