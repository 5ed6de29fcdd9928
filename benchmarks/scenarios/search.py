"""Search over 10,000 small Markdown files: index build, then queries.

agentparts: ``SearchTool.run_json`` (the first call builds the in-memory index; later calls
check the folder for changes, then query). Raw baseline: stdlib ``sqlite3`` FTS5 filled in
one transaction, then the same BM25 + snippet query with no change check. AutoGen 0.7.5
has no local search tool: not measured.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import NotMeasured, metric, parse_args, require, run

VOCABULARY = (
    "agent model tool server client stream token cache index query error retry timeout "
    "sandbox process memory context message config component loader secret version batch "
    "result usage budget latency throughput schema function argument reply event handler "
    "python linux socket thread queue worker deadline network kernel buffer file folder"
)
WORDS = VOCABULARY.split()
QUERIES = ["sandbox timeout", "retry budget", "stream token latency", '"error budget"', "kernel"]


def make_corpus(root: Path, count: int) -> None:
    """``count`` small Markdown files in 100 folders (kept between runs)."""
    marker = root / f".complete-{count}"
    if marker.exists():
        return
    rng = random.Random(42)
    for i in range(count):
        folder = root / f"d{i % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        title = " ".join(rng.choices(WORDS, k=4))
        body = " ".join(rng.choices(WORDS, k=rng.randint(40, 120)))
        (folder / f"note{i:05d}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    marker.touch()


def corpus_root(workdir: str, files: int) -> Path:
    return Path(workdir or tempfile.gettempdir()) / f"search-corpus-{files}"


def raw_build(root: Path) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(path, title, body, tokenize='porter')")
    rows: list[tuple[str, str, str]] = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".md"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                rows.append((path, text.split("\n", 1)[0].lstrip("# "), text))
    with db:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    return db


def raw_query(db: sqlite3.Connection, query: str) -> list[Any]:
    words = " ".join('"' + w.replace('"', "") + '"' for w in query.split() if w.strip('"'))
    return db.execute(
        "SELECT path, bm25(docs), snippet(docs, 2, '[', ']', ' ... ', 16) FROM docs"
        " WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 5",
        (words,),
    ).fetchall()


async def measure(impl: str, workdir: str, files: int, quick: bool) -> dict[str, Any]:
    if impl == "autogen":
        raise NotMeasured("AutoGen 0.7.5 has no local full-text search tool")
    root = corpus_root(workdir, files)
    make_corpus(root, files)
    rounds = 5 if quick else 20
    if impl == "raw":
        start = time.perf_counter()
        db = raw_build(root)
        assert raw_query(db, QUERIES[0])
        build = time.perf_counter() - start
        samples: list[float] = []
        for i in range(rounds):
            start = time.perf_counter()
            raw_query(db, QUERIES[i % len(QUERIES)])
            samples.append((time.perf_counter() - start) * 1000.0)
    else:
        search = require("agentparts.tools.search", "SearchTool")
        core = require("agentparts", "CancellationToken")
        tool = search.SearchTool(str(root), globs=["**/*.md"])
        start = time.perf_counter()
        first = await tool.run_json({"query": QUERIES[0]}, core.CancellationToken())
        assert first.results, first
        build = time.perf_counter() - start
        samples = []
        for i in range(rounds):
            start = time.perf_counter()
            await tool.run_json({"query": QUERIES[i % len(QUERIES)]}, core.CancellationToken())
            samples.append((time.perf_counter() - start) * 1000.0)
        tool.close()
    return {
        "metrics": {"build": metric("ms", [build * 1000.0]), "query": metric("ms", samples)},
        "info": {"files": files},
    }


def main() -> None:
    def extra(parser: Any) -> None:
        parser.add_argument("--files", type=int, default=10_000)
        parser.add_argument("--prepare", action="store_true", help="only write the corpus")

    args = parse_args(__doc__.splitlines()[0], extra)
    if args.prepare:
        make_corpus(corpus_root(args.workdir, args.files), args.files)
        return
    run(
        "search",
        args.impl,
        lambda: asyncio.run(measure(args.impl, args.workdir, args.files, args.quick)),
    )


if __name__ == "__main__":
    main()
