"""Tool calls for models that cannot call tools on their own: a JSON reply constrained by a
llama.cpp grammar built from the JSON schema of "one of these tool calls, or an answer".

The model replies ``{"tool": NAME, "arguments": {...}}`` or ``{"answer": TEXT}``; nothing
else can be generated, so every call names a real tool and has schema-valid arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

__all__ = [
    "ANSWER_KEY",
    "TOOL_KEY",
    "AnswerStreamDecoder",
    "ParsedReply",
    "ToolSpec",
    "parse_reply",
    "reply_schema",
    "tool_instructions",
    "tool_specs",
]

ANSWER_KEY = "answer"
TOOL_KEY = "tool"
ARGUMENTS_KEY = "arguments"


@dataclass(frozen=True)
class ToolSpec:
    """What the model needs to know about one tool."""

    name: str
    description: str
    parameters: dict[str, Any]


def tool_specs(tools: Sequence[Any]) -> list[ToolSpec]:
    """Tool specs from ``Tool`` objects (with a ``schema``) or ``ToolSchema`` mappings."""
    specs: list[ToolSpec] = []
    for tool in tools:
        schema: object = getattr(tool, "schema", None) if not isinstance(tool, Mapping) else tool  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(schema, Mapping):
            raise TypeError(f"{tool!r} is neither a Tool nor a ToolSchema mapping.")
        schema_map = cast("Mapping[str, Any]", schema)
        parameters: dict[str, Any] = dict(schema_map.get("parameters") or {})
        parameters.setdefault("type", "object")
        parameters.setdefault("properties", {})
        specs.append(
            ToolSpec(str(schema_map["name"]), str(schema_map.get("description") or ""), parameters)
        )
    return specs


def _clean_schema(schema: Any) -> Any:
    """The schema without keys that only document (titles), which llama.cpp need not see."""
    if isinstance(schema, dict):
        items: dict[str, Any] = schema  # pyright: ignore[reportUnknownVariableType]
        return {k: _clean_schema(v) for k, v in items.items() if k != "title"}
    if isinstance(schema, list):
        values: list[Any] = schema  # pyright: ignore[reportUnknownVariableType]
        return [_clean_schema(v) for v in values]
    return schema


def reply_schema(specs: Sequence[ToolSpec], *, allow_answer: bool = True) -> dict[str, Any]:
    """The JSON schema of a reply: one tool call among ``specs``, or (if allowed) an answer."""
    variants: list[dict[str, Any]] = []
    for spec in specs:
        parameters = _clean_schema(spec.parameters)
        variants.append(
            {
                "type": "object",
                "properties": {TOOL_KEY: {"const": spec.name}, ARGUMENTS_KEY: parameters},
                "required": [TOOL_KEY, ARGUMENTS_KEY],
                "additionalProperties": False,
            }
        )
    if allow_answer or not variants:
        variants.append(
            {
                "type": "object",
                "properties": {ANSWER_KEY: {"type": "string"}},
                "required": [ANSWER_KEY],
                "additionalProperties": False,
            }
        )
    return variants[0] if len(variants) == 1 else {"anyOf": variants}


def _call_example(spec: ToolSpec) -> str:
    properties: Mapping[str, Any] = spec.parameters.get("properties") or {}
    arguments = ", ".join(f'"{name}": "<{name}>"' for name in properties)
    return f'{{"{TOOL_KEY}": "{spec.name}", "{ARGUMENTS_KEY}": {{{arguments}}}}}'


def tool_instructions(specs: Sequence[ToolSpec], *, allow_answer: bool = True) -> str:
    """The system-prompt text that tells the model its tools and its reply format.

    Each tool is shown with a call template (small models copy its shape reliably).
    """
    lines = ["You have tools. Reply with JSON only.", "Tools:"]
    for spec in specs:
        description = spec.description or "no description"
        lines.append(f"- {spec.name}: {description} Call: {_call_example(spec)}")
    if allow_answer:
        lines.append(
            f"When a tool can help, call it. When you have the result, reply "
            f'{{"{ANSWER_KEY}": "<your answer>"}}.'
        )
    else:
        lines.append("Call one of these tools.")
    return "\n".join(lines)


@dataclass(frozen=True)
class ParsedReply:
    """A constrained reply, parsed."""

    kind: Literal["tool", "answer", "invalid"]
    tool: str = ""
    arguments: str = "{}"
    answer: str = ""


def parse_reply(text: str) -> ParsedReply:
    """Parse a reply generated under :func:`reply_schema` (possibly cut short)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        return ParsedReply("invalid", answer=text)
    if isinstance(data, dict):
        reply: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
        if isinstance(reply.get(TOOL_KEY), str):
            arguments: Any = reply.get(ARGUMENTS_KEY, {})
            return ParsedReply("tool", tool=reply[TOOL_KEY], arguments=json.dumps(arguments))
        if isinstance(reply.get(ANSWER_KEY), str):
            return ParsedReply("answer", answer=reply[ANSWER_KEY])
    return ParsedReply("invalid", answer=text)


_ANSWER_START = re.compile(r'\s*\{\s*"answer"\s*:\s*"')
_TOOL_START = re.compile(r'\s*\{\s*"tool"')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class AnswerStreamDecoder:
    """Turns the streamed raw text of a constrained reply into the answer's text as it comes.

    Tool-call replies yield nothing (they are not text for the user). Feed each raw chunk to
    :meth:`feed`; it returns the newly decoded answer text, possibly empty.
    """

    def __init__(self) -> None:
        self.raw = ""
        self.mode: Literal["unknown", "answer", "tool"] = "unknown"
        self._pos = 0
        self._done = False

    def feed(self, chunk: str) -> str:
        """Add raw text; return the answer text it completes."""
        self.raw += chunk
        if self.mode == "unknown":
            match = _ANSWER_START.match(self.raw)
            if match:
                self.mode = "answer"
                self._pos = match.end()
            elif _TOOL_START.match(self.raw):
                self.mode = "tool"
        if self.mode != "answer" or self._done:
            return ""
        return self._decode()

    def _decode(self) -> str:
        out: list[str] = []
        raw, pos = self.raw, self._pos
        while pos < len(raw):
            char = raw[pos]
            if char == '"':
                self._done = True
                pos += 1
                break
            if char != "\\":
                out.append(char)
                pos += 1
                continue
            if pos + 1 >= len(raw):
                break  # wait for the escaped character
            code = raw[pos + 1]
            if code != "u":
                out.append(_ESCAPES.get(code, code))
                pos += 2
                continue
            decoded = self._unicode_escape(raw, pos)
            if decoded is None:
                break
            text, pos = decoded
            out.append(text)
        self._pos = pos
        return "".join(out)

    @staticmethod
    def _unicode_escape(raw: str, pos: int) -> tuple[str, int] | None:
        if pos + 6 > len(raw):
            return None
        first = int(raw[pos + 2 : pos + 6], 16)
        if 0xD800 <= first < 0xDC00:  # a surrogate pair: wait for its second half
            if pos + 12 > len(raw):
                return None
            try:
                return json.loads(f'"{raw[pos : pos + 12]}"'), pos + 12
            except json.JSONDecodeError:
                return chr(first), pos + 6
        return chr(first), pos + 6
