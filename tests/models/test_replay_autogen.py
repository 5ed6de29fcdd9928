"""The replay client against AutoGen 0.7.5's own: one script, run under both after the rename.

The script prints what a user of the replay client can observe (default ``model_info``, the
saved config, results, usage, ``remaining_tokens``, ``create_calls``, the exhausted error,
``reset``, an AssistantAgent refusing tools on the default model) as JSON; both runs must
print exactly ``EXPECTED``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._autogen import AGENTPARTS_ROOTS, AUTOGEN_ROOTS, needs_autogen, run_with_roots

TOOL = {
    "name": "add",
    "description": "Add two numbers.",
    "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}},
}

SCRIPT = """
import asyncio, json, logging
from CORE import FunctionCall
from CORE.models import (AssistantMessage, CreateResult, FunctionExecutionResult,
    FunctionExecutionResultMessage, RequestUsage, SystemMessage, UserMessage)
from CORE.tools import FunctionTool
from CHAT.agents import AssistantAgent
from EXT.models.replay import ReplayChatCompletionClient

logging.disable(logging.WARNING)  # AutoGen warns about tokens of non-text content

CALL = CreateResult(finish_reason="function_calls", cached=False,
                    content=[FunctionCall(id="c1", name="add", arguments='{"a": 1, "b": 2}')],
                    usage=RequestUsage(prompt_tokens=99, completion_tokens=5))
SCRIPTED_TEXT = CreateResult(finish_reason="stop", content="three word answer", cached=False,
                             usage=RequestUsage(prompt_tokens=1, completion_tokens=9))
HISTORY = [SystemMessage(content="You add numbers."), UserMessage(content="add one and two", source="user")]
AFTER_CALL = HISTORY + [
    AssistantMessage(content=CALL.content, source="a"),
    FunctionExecutionResultMessage(content=[
        FunctionExecutionResult(content="3", call_id="c1", name="add", is_error=False)]),
]
TOOL = {"name": "add", "description": "Add two numbers.",
        "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}}

def usage(u):
    return [u.prompt_tokens, u.completion_tokens]

def result(r):
    content = r.content if isinstance(r.content, str) else [[c.id, c.name, c.arguments] for c in r.content]
    return [r.finish_reason, content, usage(r.usage), r.cached]

def item(x):
    return x if isinstance(x, str) else result(x)

def add(a: int, b: int) -> int:
    return a + b

async def main():
    out = {}
    client = ReplayChatCompletionClient(["one two three", CALL, "It is 3.", SCRIPTED_TEXT, "the last one"])
    out["model_info"] = dict(client.model_info)
    out["saved_model_info"] = client.dump_component().model_dump(mode="json")["config"]["model_info"]
    out["provided"] = client.provided_message_count
    steps = []
    steps.append(result(await client.create(HISTORY, tools=[TOOL])))
    steps.append([item(x) async for x in client.create_stream(HISTORY, tools=[TOOL])])
    steps.append(result(await client.create(AFTER_CALL, json_output=True, extra_create_args={"x": 1})))
    steps.append([item(x) async for x in client.create_stream(HISTORY)])
    client.set_cached_bool_value(False)
    steps.append([item(x) async for x in client.create_stream([UserMessage(content="go", source="u")])])
    out["steps"] = steps
    out["actual_usage"] = usage(client.actual_usage())
    out["total_usage"] = usage(client.total_usage())
    out["remaining_tokens"] = client.remaining_tokens(HISTORY)
    out["count_tokens"] = [client.count_tokens(HISTORY), client.count_tokens(AFTER_CALL, tools=[TOOL])]
    out["create_calls"] = [[len(c["messages"]), c["tools"], c["json_output"], c["extra_create_args"]]
                           for c in client.create_calls]
    try:
        await client.create(HISTORY)
        out["exhausted"] = None
    except ValueError as error:
        out["exhausted"] = str(error).startswith("No more mock responses available")
    client.reset()
    out["after_reset"] = [usage(client.actual_usage()), usage(client.total_usage()),
                          len(client.create_calls), client.remaining_tokens([])]
    out["again"] = result(await client.create(HISTORY))
    try:
        AssistantAgent("a", model_client=ReplayChatCompletionClient([]), tools=[FunctionTool(add, "Add.")])
        out["agent_with_tools_on_default"] = None
    except ValueError:
        out["agent_with_tools_on_default"] = "ValueError"
    print(json.dumps(out))

asyncio.run(main())
"""

EXPECTED: dict[str, Any] = {
    "model_info": {
        "vision": False,
        "function_calling": False,
        "json_output": False,
        "family": "unknown",
        "structured_output": False,
    },
    "saved_model_info": {
        "vision": False,
        "function_calling": False,
        "json_output": False,
        "family": "unknown",
        "structured_output": False,
    },
    "provided": 5,
    "steps": [
        ["stop", "one two three", [7, 3], True],  # prompt: the words of the two messages
        [["function_calls", [["c1", "add", '{"a": 1, "b": 2}']], [99, 5], False]],  # as scripted
        ["stop", "It is 3.", [7, 3], True],  # the tool call and its result count 0
        [["stop", "three word answer", [1, 9], False]],  # a scripted result streams whole
        ["the ", "last ", "one", ["stop", "the last one", [1, 3], False]],
    ],
    "actual_usage": [1, 3],  # the last call's
    "total_usage": [7 * 4 + 1, 3 + 5 + 3 + 9 + 3],  # scripted results count their completion
    "remaining_tokens": 10_000 - 29 - 23,
    "count_tokens": [7, 7],  # tools do not count
    "create_calls": [
        [2, [TOOL], None, {}],  # create() calls only, not create_stream()
        [4, [], True, {"x": 1}],
    ],
    "exhausted": True,
    "after_reset": [[0, 0], [0, 0], 2, 10_000],
    "again": ["stop", "one two three", [7, 3], False],  # reset keeps the cached flag
    "agent_with_tools_on_default": "ValueError",
}


def test_agentparts_replay_client_behaves_as_autogens(tmp_path: Path) -> None:
    assert run_with_roots(SCRIPT, AGENTPARTS_ROOTS, tmp_path) == EXPECTED


@needs_autogen
def test_autogens_replay_client_gives_the_expected_results(tmp_path: Path) -> None:
    assert run_with_roots(SCRIPT, AUTOGEN_ROOTS, tmp_path) == EXPECTED
