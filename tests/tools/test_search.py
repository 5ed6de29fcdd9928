"""SearchTool and SearchIndex over real files on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentparts import CancellationToken
from agentparts.errors import ToolArgumentsError, ToolError
from agentparts.tools import BaseTool, StaticWorkbench
from agentparts.tools.search import SearchIndex, SearchResult, SearchTool, fts_query


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "guides").mkdir(parents=True)
    (root / "guides" / "cats.md").write_text(
        "# Caring for cats\n\nCats sleep most of the day. Feed your cat twice a day.\n"
    )
    (root / "guides" / "dogs.md").write_text(
        "# Dogs\n\nDogs need walks. A dog and a cat can live together peacefully.\n"
    )
    (root / "notes.txt").write_text("Meeting notes: the error budget is spent. Café at noon.\n")
    (root / "image.png").write_bytes(b"\x89PNG not text cats cats cats")
    (root / ".git").mkdir()
    (root / ".git" / "cats.txt").write_text("hidden cats")
    return root


async def search(tool: SearchTool, query: str, max_results: int = 5) -> SearchResult:
    return await tool.run_json({"query": query, "max_results": max_results}, CancellationToken())


async def test_finds_ranks_and_snippets(docs: Path) -> None:
    tool = SearchTool(docs)
    result = await search(tool, "cats")
    paths = [r.path for r in result.results]
    assert paths[0] == "guides/cats.md"  # the title and body both say cats
    assert set(paths) <= {"guides/cats.md", "guides/dogs.md"}  # not .png, not hidden folders
    top = result.results[0]
    assert top.title == "Caring for cats"
    assert "[Cats]" in top.snippet
    assert top.score > 0
    scores = [r.score for r in result.results]
    assert scores == sorted(scores, reverse=True)


async def test_all_words_first_then_any_word(docs: Path) -> None:
    tool = SearchTool(docs)
    both = await search(tool, "dog cat")
    assert [r.path for r in both.results] == ["guides/dogs.md"]
    either = await search(tool, "walks noon")
    assert {r.path for r in either.results} == {"guides/dogs.md", "notes.txt"}


async def test_phrases_accents_and_max_results(docs: Path) -> None:
    tool = SearchTool(docs)
    phrase = await search(tool, '"error budget"')
    assert [r.path for r in phrase.results] == ["notes.txt"]
    assert [r.path for r in (await search(tool, "cafe")).results] == ["notes.txt"]
    assert len((await search(tool, "cat dog walks sleep", max_results=1)).results) == 1


_BOTH = ["guides/cats.md", "guides/dogs.md"]


@pytest.mark.parametrize(
    ("query", "words", "paths"),
    [
        ('cats"', '"cats"', _BOTH),
        # AND is a word here, and only dogs.md has both "cats" (stemmed) and "and".
        ("cats AND", '"cats" AND "AND"', ["guides/dogs.md"]),
        ("NOT cats", '"NOT" AND "cats"', _BOTH),
        ("cat*", '"cat"', _BOTH),
        ("(cats", '"cats"', _BOTH),
        ("title:cats", '"title" AND "cats"', _BOTH),
        ("c^a-t:s", '"c" AND "a" AND "t" AND "s"', ["guides/dogs.md", "guides/cats.md"]),
        ("NEAR(cats dogs)", '"NEAR" AND "cats" AND "dogs"', ["guides/dogs.md", "guides/cats.md"]),
        ("'; DROP TABLE docs; --", '"DROP" AND "TABLE" AND "docs"', []),
    ],
)
async def test_fts_syntax_in_queries_is_plain_text(
    docs: Path, query: str, words: str, paths: list[str]
) -> None:
    tool = SearchTool(docs)
    assert fts_query(query) == words
    result = await search(tool, query)
    assert [r.path for r in result.results] == paths
    # The same words without the syntax find the same documents, and the index is intact.
    plain = " ".join(w.strip('"') for w in words.split(" AND "))
    assert [r.path for r in (await search(tool, plain)).results] == paths
    assert [r.path for r in (await search(tool, "cats")).results] == _BOTH


async def test_query_without_words_finds_nothing(docs: Path) -> None:
    tool = SearchTool(docs)
    result = await search(tool, "?! --")
    assert result.results == []
    assert "No documents match" in tool.return_value_as_string(result)
    assert fts_query('a "b c" OR d') == '"a" AND "b c" AND "OR" AND "d"'


async def test_index_follows_added_changed_and_deleted_files(docs: Path) -> None:
    tool = SearchTool(docs)
    assert (await search(tool, "zebra")).results == []
    (docs / "zoo.md").write_text("# Zoo\nA zebra lives here.\n")
    assert [r.path for r in (await search(tool, "zebra")).results] == ["zoo.md"]
    (docs / "zoo.md").write_text("# Zoo\nOnly lions now, no stripes at all.\n")
    assert (await search(tool, "zebra")).results == []
    assert [r.path for r in (await search(tool, "lions")).results] == ["zoo.md"]
    (docs / "zoo.md").unlink()
    assert (await search(tool, "lions")).results == []


def test_updates_are_incremental(docs: Path) -> None:
    index = SearchIndex(docs)
    first = index.update()
    assert (first.added, first.updated, first.removed, first.unchanged) == (3, 0, 0, 0)
    again = index.update()
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    notes = docs / "notes.txt"
    notes.write_text("New notes, longer than before, about the quarterly plan.\n")
    os.utime(notes, ns=(1, 1))
    changed = index.update()
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert len(index) == 3


def test_persistent_index_is_reused(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "cache" / "index.sqlite"
    first = SearchIndex(docs, index_path=db)
    assert first.update().added == 3
    first.close()
    second = SearchIndex(docs, index_path=db)
    stats = second.update()
    assert (stats.added, stats.unchanged) == (0, 3)
    assert second.search("cats")[0].path == "guides/cats.md"
    second.close()
    other_root = tmp_path / "other"
    other_root.mkdir()
    (other_root / "a.txt").write_text("alpha")
    third = SearchIndex(other_root, index_path=db)  # another folder: rebuilt, not mixed
    assert third.update().added == 1
    assert third.search("cats") == []


def test_corrupt_index_file_is_a_clear_error(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "index.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ToolError, match="not a usable search index"):
        SearchIndex(docs, index_path=db)


def test_custom_globs(docs: Path) -> None:
    index = SearchIndex(docs, globs=["*.txt"])
    index.update()
    assert len(index) == 1
    assert [h.path for h in index.search("cats")] == []


async def test_missing_folder_and_file_root(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="does not exist"):
        await search(SearchTool(tmp_path / "nope"), "x")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ToolError, match="is a file, not a folder"):
        await search(SearchTool(tmp_path / "file.txt"), "x")


async def test_errors_reach_the_model_through_a_workbench(tmp_path: Path, docs: Path) -> None:
    bench = StaticWorkbench([SearchTool(tmp_path / "nope", name="search")])
    result = await bench.call_tool("search", {"query": "x"})
    assert result.is_error and "does not exist" in result.to_text()
    good = StaticWorkbench([SearchTool(docs, name="search")])
    bad_args = await good.call_tool("search", {"query": "x", "max_results": 0})
    assert bad_args.is_error and "max_results" in bad_args.to_text()
    text = (await good.call_tool("search", {"query": "cats", "max_results": 1})).to_text()
    assert text.startswith("1. guides/cats.md - Caring for cats (score ")
    assert "[Cats] sleep" in text


async def test_wrong_argument_types(docs: Path) -> None:
    with pytest.raises(ToolArgumentsError, match="query: Input should be a valid string"):
        await SearchTool(docs).run_json({"query": ["cats"]}, CancellationToken())


async def test_saved_and_loaded(docs: Path, tmp_path: Path) -> None:
    tool = SearchTool(docs, globs=["**/*.md"], index_path=tmp_path / "i.db", name="kb")
    model = tool.dump_component()
    assert model.provider == "agentparts.tools.search.SearchTool"
    assert model.config == {
        "root": str(docs),
        "globs": ["**/*.md"],
        "index_path": str(tmp_path / "i.db"),
        "name": "kb",
        "description": None,
    }
    loaded = BaseTool.load_component({"provider": "search", "config": model.config})
    assert isinstance(loaded, SearchTool)
    assert loaded.schema == tool.schema
    assert [r.path for r in (await search(loaded, "cats")).results] == [
        "guides/cats.md",
        "guides/dogs.md",
    ]
    loaded.close()
