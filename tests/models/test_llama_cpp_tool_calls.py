"""The constrained tool-call format of the llama.cpp client: schema, parsing, streamed answers."""

from __future__ import annotations

import json

import pytest

from agentparts.models.llama_cpp._tool_calls import (
    AnswerStreamDecoder,
    parse_reply,
    reply_schema,
    tool_instructions,
    tool_specs,
)

SEARCH = {
    "name": "search",
    "description": "Search the docs.",
    "parameters": {
        "type": "object",
        "title": "SearchArgs",
        "properties": {"query": {"type": "string", "title": "Query"}},
        "required": ["query"],
    },
}


def test_reply_schema_offers_each_tool_and_an_answer() -> None:
    schema = reply_schema(tool_specs([SEARCH]))
    tool_variant, answer_variant = schema["anyOf"]
    assert tool_variant["properties"]["tool"] == {"const": "search"}
    assert "title" not in tool_variant["properties"]["arguments"]
    assert answer_variant["required"] == ["answer"]


def test_required_choice_has_no_answer_variant() -> None:
    schema = reply_schema(tool_specs([SEARCH]), allow_answer=False)
    assert "anyOf" not in schema
    assert schema["properties"]["tool"] == {"const": "search"}
    assert '"answer"' not in tool_instructions(tool_specs([SEARCH]), allow_answer=False)


def test_instructions_show_a_call_template_per_tool() -> None:
    text = tool_instructions(tool_specs([SEARCH]))
    assert '{"tool": "search", "arguments": {"query": "<query>"}}' in text


def test_parse_reply_kinds() -> None:
    call = parse_reply('{"tool": "search", "arguments": {"query": "install"}}')
    assert call.kind == "tool"
    assert json.loads(call.arguments) == {"query": "install"}
    assert parse_reply('{"answer": "42"}').answer == "42"
    assert parse_reply('{"answer": "cut sho').kind == "invalid"


@pytest.mark.parametrize("step", [1, 2, 3, 7])
def test_decoder_streams_exactly_the_answer_text(step: int) -> None:
    raw = json.dumps({"answer": 'Say "hi"\n\tto caf\u00e9 \U0001f600 \\ done'})
    decoder = AnswerStreamDecoder()
    pieces = [decoder.feed(raw[i : i + step]) for i in range(0, len(raw), step)]
    assert decoder.mode == "answer"
    assert "".join(pieces) == json.loads(raw)["answer"]


def test_decoder_streams_nothing_for_a_tool_call() -> None:
    decoder = AnswerStreamDecoder()
    raw = '{ "tool": "search", "arguments": {"query": "x"}}'
    assert "".join(decoder.feed(c) for c in raw) == ""
    assert decoder.mode == "tool"
