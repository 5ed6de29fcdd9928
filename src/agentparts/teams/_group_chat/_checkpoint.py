"""Checkpoint stores: where a team saves its state after every turn, to resume after a crash."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["CheckpointStore", "SqliteCheckpointStore"]


@runtime_checkable
class CheckpointStore(Protocol):
    """Keeps the latest saved state of each team, by key. Implement it for your storage."""

    async def save(self, key: str, state: Mapping[str, Any]) -> None:
        """Replace the state saved under ``key`` (durably: it must survive the process)."""
        ...

    async def load(self, key: str) -> Mapping[str, Any] | None:
        """The state saved under ``key``, or ``None``."""
        ...

    async def delete(self, key: str) -> None:
        """Forget the state saved under ``key``."""
        ...


class SqliteCheckpointStore:
    """A checkpoint store in one SQLite file (WAL journal: a write survives the process being
    killed at any moment; the previous checkpoint stays until the new one is complete).

    Args:
        path: The database file (created if missing).

    Example:
        >>> import tempfile, os
        >>> store = SqliteCheckpointStore(os.path.join(tempfile.mkdtemp(), "teams.db"))
    """

    def __init__(self, path: str | Path) -> None:
        import sqlite3  # only teams that checkpoint pay for it

        self._path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS checkpoints "
            "(key TEXT PRIMARY KEY, state TEXT NOT NULL, updated REAL NOT NULL)"
        )

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    async def save(self, key: str, state: Mapping[str, Any]) -> None:
        """Replace the state saved under ``key``."""
        import json  # (imported on first use: importing a team stays small)

        text = json.dumps(state, default=str)
        with self._lock:
            self._db.execute(
                "INSERT INTO checkpoints (key, state, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated = excluded.updated",
                (key, text, time.time()),
            )

    async def load(self, key: str) -> Mapping[str, Any] | None:
        """The state saved under ``key``, or ``None``."""
        with self._lock:
            row = self._db.execute("SELECT state FROM checkpoints WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        import json

        loaded: Any = json.loads(row[0])
        return dict(loaded)

    async def delete(self, key: str) -> None:
        """Forget the state saved under ``key``."""
        with self._lock:
            self._db.execute("DELETE FROM checkpoints WHERE key = ?", (key,))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
