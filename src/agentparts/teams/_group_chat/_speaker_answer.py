"""Reading a speaker name out of whatever a selector model answered.

Models answer ``writer``, ``"writer"``, ``{"speaker": "writer"}``, a fenced JSON block,
``Next: writer.`` or a paragraph. :func:`read_speaker` finds the one eligible name in any
of these, or says why it could not; it never returns a name outside ``candidates``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["SpeakerAnswer", "read_speaker"]

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*(.*?)```", re.DOTALL)
_JSON_KEYS = ("speaker", "name", "next_speaker", "next", "role", "agent", "selected")


@dataclass(frozen=True)
class SpeakerAnswer:
    """What an answer named.

    Attributes:
        speaker: The one eligible candidate it named, or ``None``.
        problem: Why no speaker was read (for the model's retry prompt), or ``None``.
    """

    speaker: str | None
    problem: str | None = None


def _variants(name: str) -> tuple[str, ...]:
    # Models write "Story_writer" as "Story writer" or, in Markdown, "Story\_writer".
    return tuple(dict.fromkeys((name, name.replace("_", " "), name.replace("_", r"\_"))))


def _mentions(text: str, names: Sequence[str]) -> list[str]:
    """The names mentioned in ``text``; matched ignoring case only if none match exactly."""
    padded = f" {text} "
    for flags in (0, re.IGNORECASE):
        found: list[str] = []
        for name in names:
            pattern = "|".join(re.escape(v) for v in _variants(name))
            if re.search(rf"(?<![\w])(?:{pattern})(?![\w])", padded, flags):
                found.append(name)
        if found:
            return found
    return []


def _from_json(text: str) -> str | None:
    try:
        value: object = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):  # pyright: ignore[reportUnknownArgumentType]
        return str(value[0]).strip()  # pyright: ignore[reportUnknownArgumentType]
    if isinstance(value, dict):
        for key in _JSON_KEYS:
            item: object = value.get(key)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            if isinstance(item, str):
                return item.strip()
    return None


def read_speaker(
    answer: object, candidates: Sequence[str], participants: Sequence[str]
) -> SpeakerAnswer:
    """The eligible speaker an answer names, or why it names none.

    Args:
        answer: The model's answer (anything: only a string can name a speaker).
        candidates: The names that may speak now.
        participants: Every participant's name (to tell "not eligible" from "unknown").
    """
    if not isinstance(answer, str) or not answer.strip():
        return SpeakerAnswer(None, "The answer was empty.")
    text = answer.strip()
    fenced = _FENCE.search(text)
    body = fenced.group(1).strip() if fenced else text
    exact = _from_json(body) or body.strip().strip("`'\"*.:").strip()
    if exact in candidates:
        return SpeakerAnswer(exact)
    folded = exact.casefold()
    matches = [n for n in candidates if folded in (v.casefold() for v in _variants(n))]
    if len(matches) == 1:
        return SpeakerAnswer(matches[0])
    named = _mentions(body, candidates)
    if len(named) == 1:
        return SpeakerAnswer(named[0])
    if len(named) > 1:
        return SpeakerAnswer(None, f"More than one name was given ({', '.join(named)}).")
    others = _mentions(body, [p for p in participants if p not in candidates])
    if others:
        return SpeakerAnswer(None, f"{', '.join(others)} may not speak now.")
    return SpeakerAnswer(None, "No valid name was given.")
