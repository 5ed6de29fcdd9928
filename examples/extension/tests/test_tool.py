"""FileSearchTool, checked by the agentparts conformance suite and its own tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from agentparts_example.tools import FileSearchArgs, FileSearchTool

from agentparts import CancellationToken
from agentparts.errors import ToolError
from agentparts.testing import ToolTests


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("Green tea is nice.\nCoffee too.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("black TEA\nwater\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("tea in markdown is not searched\n", encoding="utf-8")
    return tmp_path


class TestFileSearchConformance(ToolTests):
    valid_args = {"query": "tea", "max_results": 5}

    @pytest.fixture
    def tool(self, notes: Path) -> FileSearchTool:
        return FileSearchTool(root_dir=notes)


async def test_finds_matching_lines_in_every_file(notes: Path) -> None:
    tool = FileSearchTool(root_dir=notes)
    result = await tool.run(FileSearchArgs(query="tea"), CancellationToken())
    assert result.count == 2
    assert result.results == [
        {"path": "a.txt", "line": 1, "text": "Green tea is nice."},
        {"path": "sub/b.txt", "line": 1, "text": "black TEA"},
    ]


async def test_max_results_limits_the_results(notes: Path) -> None:
    tool = FileSearchTool(root_dir=notes)
    result = await tool.run_json({"query": "tea", "max_results": 1}, CancellationToken())
    assert result.count == 1


async def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    tool = FileSearchTool(root_dir=tmp_path / "nowhere")
    with pytest.raises(ToolError, match="does not exist"):
        await tool.run_json({"query": "tea"}, CancellationToken())


async def test_symlink_out_of_the_folder_is_not_followed(
    notes: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("tea secret\n", encoding="utf-8")
    (notes / "link.txt").symlink_to(outside / "secret.txt")
    result = await FileSearchTool(root_dir=notes).run(
        FileSearchArgs(query="secret"), CancellationToken()
    )
    assert result.count == 0
