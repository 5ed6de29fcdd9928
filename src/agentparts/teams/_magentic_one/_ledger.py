"""Reading the orchestrator's progress ledger out of whatever its model answered."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from .._group_chat._speaker_answer import read_speaker

__all__ = ["ProgressLedger", "read_ledger"]

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*(.*?)```", re.DOTALL)
_KEYS = (
    "is_request_satisfied",
    "is_in_loop",
    "is_progress_being_made",
    "next_speaker",
    "instruction_or_question",
)


@dataclass(frozen=True)
class ProgressLedger:
    """One step of the orchestrator's inner loop, read from the model's answer."""

    satisfied: bool
    satisfied_reason: str
    in_loop: bool
    progress: bool
    next_speaker: str
    instruction: str


def _objects(text: str) -> list[Any]:
    candidates = [m.strip() for m in _FENCE.findall(text)]
    candidates.append(text.strip())
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    found: list[Any] = []
    for candidate in candidates:
        try:
            found.append(json.loads(candidate))
        except (ValueError, RecursionError):
            continue
    return found


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no"):
        return False
    return None


def _entry(ledger: dict[str, Any], key: str) -> tuple[Any, str]:
    value: Any = ledger.get(key)
    entry = cast(dict[str, Any], value) if isinstance(value, dict) else {"answer": value}
    return entry.get("answer"), str(entry.get("reason", ""))


def read_ledger(answer: object, participants: Sequence[str]) -> ProgressLedger | str:
    """The ledger in ``answer`` (plain or fenced JSON), or what is wrong with it.

    With one participant, it is always the next speaker.
    """
    if not isinstance(answer, str) or not answer.strip():
        return "The answer was empty."
    ledgers = [cast(dict[str, Any], o) for o in _objects(answer) if isinstance(o, dict)]
    if not ledgers:
        return "The answer holds no JSON object."
    ledger = ledgers[0]
    missing = [k for k in _KEYS if k not in ledger]
    if len(participants) == 1 and "next_speaker" in missing:
        missing.remove("next_speaker")
    if missing:
        return f"The JSON object misses {', '.join(missing)}."
    satisfied, reason = _entry(ledger, "is_request_satisfied")
    flags = (_flag(satisfied), _flag(_entry(ledger, "is_in_loop")[0]))
    progress = _flag(_entry(ledger, "is_progress_being_made")[0])
    if flags[0] is None or flags[1] is None or progress is None:
        return "is_request_satisfied, is_in_loop and is_progress_being_made must be true or false."
    speaker = participants[0]
    if len(participants) > 1:
        named = read_speaker(_entry(ledger, "next_speaker")[0], participants, participants)
        if named.speaker is None:
            if not flags[0]:
                return f"next_speaker must be one of {list(participants)}."
        else:
            speaker = named.speaker
    instruction, _ = _entry(ledger, "instruction_or_question")
    return ProgressLedger(
        satisfied=flags[0],
        satisfied_reason=reason or "The request is satisfied.",
        in_loop=flags[1],
        progress=progress,
        next_speaker=speaker,
        instruction=str(instruction or ""),
    )
