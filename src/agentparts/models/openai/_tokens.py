"""Offline token counting for OpenAI-style requests.

Uses the ``bpe-openai`` encodings (cl100k and o200k ship inside the package; tiktoken
cannot download its files offline). The package is imported on first use only. Models
of other vendors are counted with cl100k, which is a close estimate.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

__all__ = ["count_wire_tokens", "encoding_name_for"]

_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o")


def encoding_name_for(model: str) -> str:
    """The BPE encoding of ``model`` (o200k for recent OpenAI models, else cl100k)."""
    return "o200k_base" if model.startswith(_O200K_PREFIXES) else "cl100k_base"


@lru_cache(maxsize=4)
def _encoder(name: str) -> Callable[[str], int]:
    # bpe-openai reads its data with a deprecated importlib.resources call: not our users' concern.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import bpe_openai
        except ImportError:  # pragma: no cover - bpe-openai is a core dependency
            return _estimate
        encoding = bpe_openai.get_encoding(name)

    def count(text: str) -> int:
        return len(encoding.encode_ordinary(text)) if text else 0

    return count


def _estimate(text: str) -> int:
    return (len(text) + 3) // 4


def count_wire_tokens(
    model: str, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]] = ()
) -> int:
    """Prompt tokens of wire-format ``messages`` and ``tools``, as OpenAI counts them.

    Each message costs 3 tokens of framing (+1 with a name), the reply is primed with 3,
    and an image part is counted as 85 tokens (low detail; high detail costs more).
    """
    count = _encoder(encoding_name_for(model))
    total = 3
    for message in messages:
        total += 3
        for key, value in message.items():
            if key == "content":
                total += _content_tokens(value, count)
            elif key == "tool_calls":
                total += count(json.dumps(value))
            elif key == "name":
                total += 1 + count(str(value))
            elif isinstance(value, str):
                total += count(value)
    for tool in tools:
        total += 8 + count(json.dumps(tool.get("function", tool)))
    return total


def _content_tokens(content: Any, count: Callable[[str], int]) -> int:
    if content is None:
        return 0
    if isinstance(content, str):
        return count(content)
    total = 0
    for part in content:
        if part.get("type") == "text":
            total += count(part.get("text", ""))
        else:
            total += 85
    return total
