"""Code blocks found in markdown text (a model's reply)."""

from __future__ import annotations

import re

from ._base import CodeBlock

__all__ = ["extract_markdown_code_blocks"]

# A fence of three or more backticks, an optional language tag, the code, the same fence.
_FENCE = re.compile(
    r"^[ \t]*(?P<fence>`{3,})[ \t]*(?P<lang>[\w+\-.#]*)[^\n]*\n(?P<code>.*?)^[ \t]*(?P=fence)[ \t]*$",
    re.DOTALL | re.MULTILINE,
)


def extract_markdown_code_blocks(markdown_text: str) -> list[CodeBlock]:
    """The fenced code blocks of ``markdown_text``, in order.

    The language is the fence's tag, lower-cased (``""`` when the fence has none).

    Example:
        >>> extract_markdown_code_blocks("Run this:\\n```python\\nprint(1)\\n```\\n")
        [CodeBlock(code='print(1)\\n', language='python')]
    """
    return [
        CodeBlock(code=match.group("code"), language=match.group("lang").lower())
        for match in _FENCE.finditer(markdown_text)
    ]
