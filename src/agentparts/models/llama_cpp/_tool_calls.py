"""Tool calls for models that cannot call tools on their own, in two constrained steps.

First the model chooses: its reply is constrained by a llama.cpp grammar to
``{"tool": NAME}`` (one of the given tools) or ``{"answer": TEXT}``. Then, for a tool, a
second prompt that shows only that tool asks for its arguments, constrained by the tool's
own JSON schema. Nothing else can be generated, so every call names a real tool and has
arguments of the right shape. The prompts hold no call template or placeholder: a small
model copies any example text it is shown into its calls.
"""

from __future__ import annotations

import json
import math
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
    "arguments_instructions",
    "bound_arguments",
    "grammar_schema",
    "parse_reply",
    "reply_schema",
    "tool_instructions",
    "tool_specs",
]

ANSWER_KEY = "answer"
TOOL_KEY = "tool"
ARGUMENTS_KEY = "arguments"

# An integer range with at most this many values is written into the grammar as an enum.
_ENUM_LIMIT = 256


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


def _integer_bounds(schema: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The lowest and highest integer ``schema`` allows (None: unbounded on that side)."""
    lows: list[int] = []
    highs: list[int] = []
    for key, inclusive in (("minimum", True), ("exclusiveMinimum", False)):
        bound = schema.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool) and math.isfinite(bound):
            lows.append(math.ceil(bound) if inclusive else math.floor(bound) + 1)
    for key, inclusive in (("maximum", True), ("exclusiveMaximum", False)):
        bound = schema.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool) and math.isfinite(bound):
            highs.append(math.floor(bound) if inclusive else math.ceil(bound) - 1)
    return (max(lows) if lows else None), (min(highs) if highs else None)


def grammar_schema(schema: Any) -> Any:
    """``schema`` made ready for llama.cpp's JSON-schema-to-grammar conversion.

    Titles are dropped (they only document). The conversion enforces ``enum``, ``const``,
    ``minLength``/``maxLength``, ``minItems``/``maxItems`` and ``pattern``, but ignores
    ``minimum``/``maximum``: an integer whose bounds leave at most 256 values is rewritten
    as the ``enum`` of those values, so the grammar cannot produce anything out of range.
    Other numeric bounds are enforced after generation by :func:`bound_arguments`.
    """
    if isinstance(schema, list):
        values: list[Any] = schema  # pyright: ignore[reportUnknownVariableType]
        return [grammar_schema(v) for v in values]
    if not isinstance(schema, dict):
        return schema
    items: dict[str, Any] = schema  # pyright: ignore[reportUnknownVariableType]
    cleaned = {k: grammar_schema(v) for k, v in items.items() if k != "title"}
    if cleaned.get("type") == "integer" and "enum" not in cleaned and "const" not in cleaned:
        low, high = _integer_bounds(cleaned)
        if low is not None and high is not None and 0 <= high - low < _ENUM_LIMIT:
            return {"enum": list(range(low, high + 1))}
    return cleaned


def bound_arguments(value: Any, schema: Any) -> Any:
    """``value`` with each number clamped into its schema's bounds and each string cut to
    its ``maxLength``: the bounds the grammar could not express (see :func:`grammar_schema`).
    """
    if not isinstance(schema, Mapping):
        return value
    rules = cast("Mapping[str, Any]", schema)
    if isinstance(value, dict):
        fields: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        properties: Mapping[str, Any] = rules.get("properties") or {}
        return {k: bound_arguments(v, properties.get(k)) for k, v in fields.items()}
    if isinstance(value, list):
        entries: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        maximum = rules.get("maxItems")
        if isinstance(maximum, int):
            entries = entries[:maximum]
        return [bound_arguments(v, rules.get("items")) for v in entries]
    if isinstance(value, str):
        longest = rules.get("maxLength")
        return value[:longest] if isinstance(longest, int) else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, int):
            low, high = _integer_bounds(rules)
        else:
            low, high = rules.get("minimum"), rules.get("maximum")
        if isinstance(low, int | float) and value < low:
            value = low
        if isinstance(high, int | float) and value > high:
            value = high
        return value
    return value


def reply_schema(specs: Sequence[ToolSpec], *, allow_answer: bool = True) -> dict[str, Any]:
    """The JSON schema of the first step's reply: the name of one of ``specs``, or (if
    allowed, or if there is no tool) an answer."""
    variants: list[dict[str, Any]] = []
    if specs:
        variants.append(
            {
                "type": "object",
                "properties": {TOOL_KEY: {"enum": [spec.name for spec in specs]}},
                "required": [TOOL_KEY],
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


def tool_instructions(specs: Sequence[ToolSpec], *, allow_answer: bool = True) -> str:
    """The system-prompt text of the first step: the tools, and how to choose one.

    It shows no call template and no example values (a small model copies them into its
    calls); the grammar alone gives the reply its shape.
    """
    lines = ["You can use tools. Reply with one JSON object only.", "Tools:"]
    for spec in specs:
        lines.append(f"- {spec.name}: {spec.description or 'no description'}")
    choose = f'To use a tool, reply with its name as "{TOOL_KEY}".'
    if allow_answer:
        lines.append(
            f"{choose} When no tool is needed, or you have a tool's result, reply with your "
            f'answer as "{ANSWER_KEY}".'
        )
    else:
        lines.append(f"{choose} Use one of these tools.")
    return "\n".join(lines)


def _describe_type(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if "enum" in schema:
        options: list[Any] = list(schema["enum"])
        return "one of " + ", ".join(json.dumps(o) for o in options)
    if isinstance(kind, list):
        return " or ".join(str(k) for k in cast("list[Any]", kind))
    if "anyOf" in schema:
        variants = [cast("Mapping[str, Any]", v) for v in schema["anyOf"] if isinstance(v, Mapping)]
        kinds = [str(v.get("type", "value")) for v in variants]
        return " or ".join(kinds) or "value"
    text = str(kind or "value")
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            text += f" from {low} to {high}"
        elif low is not None:
            text += f" of at least {low}"
        elif high is not None:
            text += f" of at most {high}"
    if kind == "string" and isinstance(schema.get("maxLength"), int):
        text += f" of at most {schema['maxLength']} characters"
    return text


def arguments_instructions(spec: ToolSpec) -> str:
    """The system-prompt text of the second step: one tool and its arguments, described in
    words (types, bounds, defaults), with no example values to copy."""
    properties: Mapping[str, Any] = spec.parameters.get("properties") or {}
    required = set(spec.parameters.get("required") or [])
    parts: list[str] = []
    for name, raw in properties.items():
        field: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}  # pyright: ignore[reportUnknownVariableType]
        notes = [_describe_type(field)]
        if name in required:
            notes.append("required")
        elif "default" in field:
            notes.append(f"optional, default {json.dumps(field['default'])}")
        else:
            notes.append("optional")
        description = str(field.get("description") or "").strip()
        parts.append(f"{name} ({', '.join(notes)})" + (f": {description}" if description else ""))
    # This exact shape was measured with SmolLM2-135M: a list per argument, or a sentence
    # that asks to "take the values from the conversation", made it copy prompt text.
    lines = [
        f"You fill in the arguments of the tool {spec.name}: "
        f"{spec.description or 'no description'}",
        f"Arguments: {'; '.join(parts)}." if parts else "It takes no arguments.",
        "Reply with the arguments as a JSON object.",
    ]
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
