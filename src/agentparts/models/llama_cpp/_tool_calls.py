"""Tool calls for models that cannot call tools on their own, in two constrained steps.

First the model chooses: its reply is constrained by a llama.cpp grammar to
``{"tool": NAME}`` (one of the given tools) or ``{"tool": null}`` (none: the client then
asks for an answer in words). Then, for a tool, a second prompt that shows only that tool
asks for its arguments, constrained by the tool's own JSON schema. Nothing else can be generated, so every call names a real tool and has
arguments of the right shape. The prompts hold no call template or placeholder: a small
model copies any example text it is shown into its calls.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

__all__ = [
    "TOOL_KEY",
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

TOOL_KEY = "tool"

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
    """The JSON schema of the first step's reply: ``{"tool": NAME}`` with the name of one of
    ``specs``, or (if ``allow_answer``) ``{"tool": null}``: no tool, an answer in words next.

    One enum is a choice a small model makes well; a free-text answer inside JSON is not (it
    answered "What is 12*7?" with ``{"answer": ".12"}``).
    """
    names: list[Any] = [spec.name for spec in specs]
    return {
        "type": "object",
        "properties": {TOOL_KEY: {"enum": [*names, None] if allow_answer else names}},
        "required": [TOOL_KEY],
        "additionalProperties": False,
    }


def tool_instructions(specs: Sequence[ToolSpec], *, allow_answer: bool = True) -> str:
    """The system-prompt text of the first step: the tools, and how to choose one.

    It shows no call template and no example values (a small model copies them into its
    calls); the grammar alone gives the reply its shape.
    """
    lines = ["You can use tools. Reply with one JSON object only.", "Tools:"]
    for spec in specs:
        lines.append(f"- {spec.name}: {spec.description or 'no description'}")
    choose = f'Reply with the name of the tool to use as "{TOOL_KEY}"'
    lines.append(
        f'{choose}, or null as "{TOOL_KEY}" when no tool is needed.'
        if allow_answer
        else f"{choose}."
    )
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
    """A first-step reply, parsed: a tool's name, or none (an answer in words comes next)."""

    kind: Literal["tool", "none"]
    tool: str = ""


def parse_reply(text: str) -> ParsedReply:
    """Parse a reply generated under :func:`reply_schema` (possibly cut short)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        return ParsedReply("none")
    if isinstance(data, dict):
        reply: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
        if isinstance(reply.get(TOOL_KEY), str):
            return ParsedReply("tool", tool=reply[TOOL_KEY])
    return ParsedReply("none")
