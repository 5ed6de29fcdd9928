from __future__ import annotations

import pytest

from agentparts.models.openai._think import ThinkSplitter, split_think

TEXT = "<think>First, greet.\nThen answer.</think>\n\nHello <b>world</b>!"


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 100])
def test_tags_cut_across_chunks_are_split(size: int) -> None:
    splitter = ThinkSplitter()
    shown = "".join(splitter.feed(TEXT[i : i + size]) for i in range(0, len(TEXT), size))
    shown += splitter.flush()
    assert shown == "Hello <b>world</b>!"
    assert splitter.thought == "First, greet.\nThen answer."


def test_text_without_tags_is_untouched() -> None:
    assert split_think("a < b > c") == ("a < b > c", None)


def test_missing_opening_tag() -> None:
    assert split_think("I reason.</think>The answer.") == ("The answer.", "I reason.")


def test_unclosed_think_is_all_thought() -> None:
    assert split_think("<think>still thinking") == ("", "still thinking")


def test_several_think_blocks() -> None:
    answer, thought = split_think("<think>a</think>x<think>b</think>y")
    assert answer == "xy"
    assert thought == "ab"
