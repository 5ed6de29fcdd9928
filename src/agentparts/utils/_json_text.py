"""JSON objects out of model text: ``extract_json_from_str``."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["extract_json_from_str"]

# A fenced block: backticks, optionally (after any white space) a language word, then a
# newline, the body and the closing backticks; the same blocks as AutoGen finds.
_FENCE = re.compile(r"```(?:\s*([-\w+]+))?\n(.*?)```", re.DOTALL)


def extract_json_from_str(content: str) -> list[Any]:
    """The JSON values in ``content``: one per fenced code block, or the whole text.

    As AutoGen's function of the same name: with no fenced block, the whole of
    ``content`` must be JSON; otherwise every fenced block must be JSON, and a block
    labelled with another language than ``json`` is an error.

    Args:
        content: Text from a model, such as ``'```json\\n{"a": 1}\\n```'``.

    Returns:
        The decoded values, in order.

    Raises:
        ValueError: a block is labelled with a language other than JSON.
        json.JSONDecodeError: a block (or the whole text) is not valid JSON; it is a
            ``ValueError`` too.

    Example:
        >>> extract_json_from_str('Here:\\n```json\\n{"a": 1}\\n```')
        [{'a': 1}]
        >>> extract_json_from_str('[1, 2]')
        [[1, 2]]
    """
    blocks = _FENCE.findall(content)
    if not blocks:
        return [json.loads(content)]
    found: list[Any] = []
    for language, body in blocks:
        if language and language.lower() != "json":
            raise ValueError(
                f"Expected JSON object, but found language: {language}. Only ```json blocks "
                "(or blocks without a language) can be read as JSON."
            )
        found.append(json.loads(body))
    return found
