"""A full-text index of a folder of text files, on SQLite FTS5 (stdlib ``sqlite3``)."""

from __future__ import annotations

import fnmatch
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ToolError

__all__ = ["DEFAULT_GLOBS", "SearchHit", "SearchIndex", "UpdateStats", "fts_query"]

DEFAULT_GLOBS: tuple[str, ...] = ("**/*.txt", "**/*.md")
_SCHEMA_VERSION = "2"
_TOKEN = re.compile(r'"([^"]*)"|(\w+)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class SearchHit:
    """One matching document.

    Attributes:
        path: The file, relative to the root, with ``/`` separators.
        title: Its first Markdown heading, else its first non-empty line.
        score: BM25 relevance (higher is better).
        snippet: The best-matching passage, matched words in ``[brackets]``.
    """

    path: str
    title: str
    score: float
    snippet: str


@dataclass
class UpdateStats:
    """What an index update did.

    Attributes:
        added: Files indexed for the first time.
        updated: Files re-indexed because their size or modification time changed.
        removed: Files dropped from the index because they are gone.
        unchanged: Files left as they were.
        unreadable: Files that matched but could not be read, with the reason.
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    unreadable: dict[str, str] = field(default_factory=dict[str, str])


def fts_query(text: str, *, any_word: bool = False) -> str | None:
    """An FTS5 query for free text: words and ``"quoted phrases"``, every operator neutralized.

    Args:
        text: What the user or model typed.
        any_word: Match documents with any of the words (OR) instead of all (AND).

    Returns:
        The query, or ``None`` if ``text`` has no words.
    """
    terms: list[str] = []
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        words = _WORD.findall(phrase) if phrase is not None else [word]
        if words:
            terms.append('"' + " ".join(words) + '"')
    if not terms:
        return None
    return (" OR " if any_word else " AND ").join(terms)


class SearchIndex:
    """A BM25-ranked full-text index over the files under ``root`` that match ``globs``.

    :meth:`update` indexes new files, re-indexes files whose size or modification time
    changed, and drops deleted ones. The index lives in memory, or in the SQLite file
    ``index_path``, which then carries over between processes. Thread-safe.

    Args:
        root: The folder to index.
        globs: Patterns matched against each file's path relative to ``root`` (``*`` also
            crosses directories; a leading ``**/`` also matches files at the top).
        index_path: Where to keep the index (default: in memory).
        max_file_bytes: Only this many bytes of each file are indexed.

    Raises:
        ToolError: SQLite has no FTS5, or the index file cannot be opened.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        globs: Sequence[str] = DEFAULT_GLOBS,
        index_path: str | os.PathLike[str] | None = None,
        *,
        max_file_bytes: int = 2_000_000,
    ) -> None:
        self.root = Path(root).expanduser()
        self.globs = tuple(globs)
        self.index_path = Path(index_path).expanduser() if index_path is not None else None
        self.max_file_bytes = max_file_bytes
        patterns = [*self.globs, *(g[3:] for g in self.globs if g.startswith("**/"))]
        self._matcher = re.compile(
            "|".join(f"(?:{fnmatch.translate(p)})" for p in patterns) or "(?!)"
        )
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        target = str(self.index_path) if self.index_path is not None else ":memory:"
        try:
            if self.index_path is not None:
                self.index_path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
            saved = dict(db.execute("SELECT key, value FROM meta").fetchall())
            identity = {"schema": _SCHEMA_VERSION, "root": str(self.root.resolve())}
            if saved and any(saved.get(k) != v for k, v in identity.items()):
                db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS docs;")
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", identity.items())
            db.execute(
                "CREATE TABLE IF NOT EXISTS files("
                "id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, mtime_ns INTEGER, size INTEGER)"
            )
            db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5("
                "path, title, body, tokenize='porter unicode61 remove_diacritics 2')"
            )
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc).lower():
                raise ToolError(
                    "This Python's SQLite has no FTS5 full-text search. Use a Python built "
                    "with a standard SQLite (3.9 or newer with FTS5)."
                ) from exc
            raise ToolError(f"Cannot open the search index {target}: {exc}.") from exc
        except sqlite3.DatabaseError as exc:
            raise ToolError(
                f"{target} is not a usable search index ({exc}). Delete it or point "
                "index_path elsewhere; it will be rebuilt."
            ) from exc
        return db

    def close(self) -> None:
        """Close the index database."""
        with self._lock:
            self._db.close()

    def _check_root(self) -> None:
        if not self.root.exists():
            raise ToolError(
                f"The search folder {self.root} does not exist. Create it, or set root to an "
                "existing folder."
            )
        if not self.root.is_dir():
            raise ToolError(
                f"The search root {self.root} is a file, not a folder. Set root to a folder."
            )
        if not os.access(self.root, os.R_OK | os.X_OK):
            raise ToolError(
                f"The search folder {self.root} cannot be read (permission denied). Fix its "
                "permissions or choose another folder."
            )

    def _walk(self) -> Iterator[tuple[str, os.stat_result]]:
        matches = self._matcher.match
        pending = [("", str(self.root))]
        while pending:
            prefix, folder = pending.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue  # a subfolder that cannot be read is skipped, like a vanished one
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((rel + "/", entry.path))
                    elif matches(rel):
                        yield rel, entry.stat()
                except OSError:
                    continue  # vanished between listing and stat

    def update(self) -> UpdateStats:
        """Bring the index up to date with the folder.

        Raises:
            ToolError: the folder is missing, not a folder, or cannot be read.
        """
        self._check_root()
        stats = UpdateStats()
        with self._lock:
            known = {
                path: (row_id, mtime, size)
                for row_id, path, mtime, size in self._db.execute(
                    "SELECT id, path, mtime_ns, size FROM files"
                )
            }
            seen: set[str] = set()
            self._db.execute("BEGIN")
            try:
                for rel, st in self._walk():
                    seen.add(rel)
                    previous = known.get(rel)
                    if previous is not None and previous[1:] == (st.st_mtime_ns, st.st_size):
                        stats.unchanged += 1
                        continue
                    try:
                        text = self._read(rel)
                    except OSError as exc:
                        stats.unreadable[rel] = exc.strerror or str(exc)
                        continue
                    self._store(rel, st, text, None if previous is None else previous[0])
                    if previous is None:
                        stats.added += 1
                    else:
                        stats.updated += 1
                for rel, (row_id, _, _) in known.items():
                    if rel not in seen:
                        self._db.execute("DELETE FROM docs WHERE rowid = ?", (row_id,))
                        self._db.execute("DELETE FROM files WHERE id = ?", (row_id,))
                        stats.removed += 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return stats

    def _read(self, rel: str) -> str:
        with open(self.root / rel, "rb") as handle:
            data = handle.read(self.max_file_bytes)
        return data.decode("utf-8", errors="replace")

    def _store(self, rel: str, st: os.stat_result, text: str, row_id: int | None) -> None:
        if row_id is None:
            cursor = self._db.execute(
                "INSERT INTO files(path, mtime_ns, size) VALUES (?, ?, ?)",
                (rel, st.st_mtime_ns, st.st_size),
            )
            row_id = cursor.lastrowid
        else:
            self._db.execute(
                "UPDATE files SET mtime_ns = ?, size = ? WHERE id = ?",
                (st.st_mtime_ns, st.st_size, row_id),
            )
            self._db.execute("DELETE FROM docs WHERE rowid = ?", (row_id,))
        self._db.execute(
            "INSERT INTO docs(rowid, path, title, body) VALUES (?, ?, ?, ?)",
            (row_id, rel, _title(text), text),
        )

    def search(self, query: str, max_results: int = 5) -> list[SearchHit]:
        """The best matches for ``query``: documents with all its words, else any of them.

        Words and ``"quoted phrases"`` are matched (case- and accent-insensitive); FTS
        operators and punctuation in ``query`` are treated as plain text.
        """
        results: list[SearchHit] = []
        for any_word in (False, True):
            expression = fts_query(query, any_word=any_word)
            if expression is None:
                return []
            results = self._run(expression, max_results)
            if results:
                break
        return results

    def _run(self, expression: str, limit: int) -> list[SearchHit]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, title, bm25(docs, 2.0, 4.0, 1.0) AS rank,"
                " snippet(docs, 2, '[', ']', ' ... ', 16)"
                " FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                (expression, limit),
            ).fetchall()
        return [
            SearchHit(path=path, title=title, score=-float(rank), snippet=" ".join(snip.split()))
            for path, title, rank, snip in rows
        ]

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM files").fetchone()
        return int(count)


def _title(text: str) -> str:
    first = ""
    for line in text.splitlines()[:50]:
        heading = _HEADING.match(line)
        if heading:
            return heading.group(1)[:200]
        if not first and line.strip():
            first = line.strip()[:200]
    return first
