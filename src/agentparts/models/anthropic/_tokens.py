"""An honest estimate of Claude tokens: Anthropic publishes no offline tokenizer.

The exact count needs a request to the API's ``count_tokens`` endpoint; this offline
estimate takes 3.5 characters of text per token (Claude's tokenizer averages about that
on English prose and code), a fixed overhead per message and tool, and 1,600 tokens per
image (Anthropic's figure for an image of about 1.15 megapixels, the size it scales
larger images down to). Expect it within about 20% on prose; use it for budgeting, not
billing.
"""

from __future__ import annotations

import json
import math
from typing import Any, cast

__all__ = ["CHARS_PER_TOKEN", "IMAGE_TOKENS", "estimate_text", "estimate_tokens"]

CHARS_PER_TOKEN = 3.5
IMAGE_TOKENS = 1600
_PER_MESSAGE = 4
_PER_TOOL = 10
_SYSTEM_OVERHEAD = 8


def estimate_text(text: str) -> int:
    """Tokens of ``text`` (an estimate)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def _block_tokens(block: dict[str, Any]) -> int:
    kind = block.get("type")
    if kind == "image":
        return IMAGE_TOKENS
    if kind == "text":
        return estimate_text(str(block.get("text", "")))
    if kind == "thinking":
        return estimate_text(str(block.get("thinking", "")))
    if kind == "tool_use":
        return estimate_text(str(block.get("name", ""))) + estimate_text(
            json.dumps(block.get("input", {}))
        )
    if kind == "tool_result":
        return estimate_text(str(block.get("content", ""))) + _PER_MESSAGE
    return estimate_text(json.dumps(block))


def estimate_tokens(
    system: str | None, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
) -> int:
    """Prompt tokens of a request's ``system``, ``messages`` and ``tools`` (an estimate)."""
    total = _SYSTEM_OVERHEAD + estimate_text(system or "")
    for message in messages:
        total += _PER_MESSAGE
        content = message.get("content")
        if isinstance(content, str):
            total += estimate_text(content)
        elif isinstance(content, list):
            for block in cast("list[Any]", content):
                if isinstance(block, dict):
                    total += _block_tokens(cast("dict[str, Any]", block))
    for tool in tools:
        total += _PER_TOOL + estimate_text(json.dumps(tool))
    return total
