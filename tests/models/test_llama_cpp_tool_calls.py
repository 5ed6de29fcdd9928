"""The constrained tool-call format of the llama.cpp client: schemas, prompts, parsing,
bounds, streamed answers and prose answers to tool results."""

from __future__ import annotations

import json
import re

import pytest

from agentparts.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.llama_cpp._prompt import (
    answer_turns,
    prose_reply,
    results_summary,
    tool_results_pending,
)
from agentparts.models.llama_cpp._tool_calls import (
    arguments_instructions,
    bound_arguments,
    grammar_schema,
    parse_reply,
    reply_schema,
    tool_instructions,
    tool_specs,
)
from agentparts.tools.search import SearchTool

CALCULATOR = {
    "name": "calculator",
    "description": "Evaluate an arithmetic expression.",
    "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}},
}
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


def test_reply_schema_is_one_choice_of_a_tool_name_or_none() -> None:
    schema = reply_schema(tool_specs([SEARCH, CALCULATOR]))
    assert schema["properties"]["tool"] == {"enum": ["search", "calculator", None]}
    assert schema["required"] == ["tool"]
    assert schema["additionalProperties"] is False


def test_required_choice_cannot_choose_no_tool() -> None:
    schema = reply_schema(tool_specs([SEARCH]), allow_answer=False)
    assert schema["properties"]["tool"] == {"enum": ["search"]}
    assert "null" not in tool_instructions(tool_specs([SEARCH]), allow_answer=False)
    assert "null" in tool_instructions(tool_specs([SEARCH]))


# A small model copies any template or example value it is shown into its calls: the old
# prompt showed {"query": "<query>"} and SmolLM2 searched for "<query>".
_PLACEHOLDER = re.compile(r"<[a-z_ ]+>|\{\s*\"(?:tool|query|expression)\"\s*:\s*\"")


def test_prompts_show_no_template_or_placeholder_to_copy() -> None:
    specs = tool_specs([SEARCH, SearchTool("docs", name="search_docs")])
    for text in [
        tool_instructions(specs),
        tool_instructions(specs, allow_answer=False),
        *(arguments_instructions(spec) for spec in specs),
    ]:
        assert not _PLACEHOLDER.search(text), text
        assert "error budget" not in text  # no example value from a description either


def test_arguments_prompt_describes_types_bounds_and_defaults() -> None:
    [spec] = tool_specs([SearchTool("docs", name="search_docs")])
    text = arguments_instructions(spec)
    assert text.startswith("You fill in the arguments of the tool search_docs:")
    assert "query (string, required)" in text
    assert "max_results (one of 1, 2, 3" not in text  # bounds are said as a range
    assert "max_results (integer from 1 to 20, optional, default 5)" in text


def test_search_tool_bounds_max_results_in_its_schema() -> None:
    properties = SearchTool("docs").schema.get("parameters", {}).get("properties", {})
    assert properties["max_results"]["minimum"] == 1
    assert properties["max_results"]["maximum"] == 20


def test_grammar_schema_turns_small_integer_ranges_into_enums() -> None:
    schema = {
        "type": "object",
        "title": "Args",
        "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 10, "title": "N"},
            "m": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 4},
            "big": {"type": "integer", "minimum": 0, "maximum": 10**6},
            "x": {"type": "number", "maximum": 1.5},
            "tags": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 2}},
        },
    }
    ready = grammar_schema(schema)
    assert "title" not in ready
    assert ready["properties"]["n"] == {"enum": list(range(1, 11))}
    assert ready["properties"]["m"] == {"enum": [1, 2, 3]}
    assert ready["properties"]["big"] == {"type": "integer", "minimum": 0, "maximum": 10**6}
    assert ready["properties"]["x"] == {"type": "number", "maximum": 1.5}
    assert ready["properties"]["tags"]["items"] == {"enum": [0, 1, 2]}


def test_the_grammar_cannot_write_an_integer_out_of_bounds() -> None:
    """llama.cpp's own conversion ignores maximum: its grammar accepts 100 for maximum 10."""
    grammar_module = pytest.importorskip("llama_cpp.llama_grammar")
    bounded = {"type": "integer", "minimum": 1, "maximum": 10}
    schema = {"type": "object", "properties": {"n": bounded}}
    raw = grammar_module.json_schema_to_gbnf(json.dumps(schema))
    ours = grammar_module.json_schema_to_gbnf(json.dumps(grammar_schema(schema)))
    assert '"100"' not in ours and "integer" not in ours
    assert '"10"' in ours and '"1"' in ours
    assert "integer" in raw  # any integer: why the schema is rewritten


def test_bound_arguments_clamps_what_the_grammar_cannot_express() -> None:
    schema = {
        "type": "object",
        "properties": {
            "big": {"type": "integer", "minimum": 0, "maximum": 10**6},
            "x": {"type": "number", "minimum": -1.5, "maximum": 1.5},
            "name": {"type": "string", "maxLength": 3},
            "items": {"type": "array", "maxItems": 2, "items": {"type": "integer", "maximum": 5}},
        },
    }
    arguments = {"big": 10**7, "x": -9.0, "name": "abcdef", "items": [9, 1, 2], "free": 7}
    assert bound_arguments(arguments, schema) == {
        "big": 10**6,
        "x": -1.5,
        "name": "abc",
        "items": [5, 1],
        "free": 7,
    }


def test_parse_reply_kinds() -> None:
    call = parse_reply('{"tool": "search"}')
    assert call.kind == "tool"
    assert call.tool == "search"
    assert parse_reply('{"tool": null}').kind == "none"
    assert parse_reply('{"tool": "sea').kind == "none"  # cut short


QUESTION = UserMessage(content="How do I install agentparts?", source="user")
CALL_JSON = '{"tool": "search_docs", "arguments": {"query": "install"}}'


def _after_tool(result: str, *, is_error: bool = False) -> list[LLMMessage]:
    from agentparts import FunctionCall

    call = FunctionCall(id="c1", name="search_docs", arguments='{"query": "install"}')
    return [
        SystemMessage(content="You are helpful."),
        QUESTION,
        AssistantMessage(content=[call], source="assistant"),
        FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(
                    content=result, name="search_docs", call_id="c1", is_error=is_error
                )
            ]
        ),
    ]


def test_answer_prompt_holds_results_and_question_but_no_call_json() -> None:
    messages = _after_tool("1. install.md - pip install agentparts")
    assert tool_results_pending(messages)
    assert not tool_results_pending([QUESTION])
    turns = answer_turns(messages)
    assert [t["role"] for t in turns] == ["system", "user"]
    assert "You are helpful." in turns[0]["content"]
    assert "plain sentences, not JSON" in turns[0]["content"]
    last = turns[-1]["content"]
    assert "pip install agentparts" in last
    assert last.endswith("Question: How do I install agentparts?")
    assert '"tool"' not in json.dumps(turns)


@pytest.mark.parametrize(
    "reply",
    [
        CALL_JSON,
        "  " + CALL_JSON + "\n",
        '{"tool": "search_docs", "arguments": {"query": "ins',  # cut short
        '```json\n{"name": "search_docs", "arguments": {}}\n```',
        "",
        "   ",
    ],
)
def test_a_tool_call_or_empty_reply_is_not_prose(reply: str) -> None:
    assert prose_reply(reply) is None


def test_prose_reply_keeps_text_and_unwraps_an_answer_object() -> None:
    assert prose_reply("Run pip install agentparts.") == "Run pip install agentparts."
    assert prose_reply('{"answer": "Use pip."}') == "Use pip."
    assert prose_reply("{x} is a set.") == "{x} is a set."


def test_results_summary_is_the_fallback_answer() -> None:
    messages = _after_tool("1. install.md - pip install agentparts")
    summary = results_summary(messages)
    assert summary == "The search_docs tool returned:\n1. install.md - pip install agentparts"
    failed = results_summary(_after_tool("boom", is_error=True))
    assert failed.startswith("The search_docs tool failed with:")
