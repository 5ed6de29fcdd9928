"""AssistantAgent behaviours where AutoGen 0.7.5's are the contract (#19)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken
from agentparts.agents import AssistantAgent
from agentparts.base import Handoff
from agentparts.messages import HandoffMessage, StructuredMessage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools import FunctionTool, StaticWorkbench, ToolResult

from .._autogen import AGENTPARTS_ROOTS, AUTOGEN_ROOTS, needs_autogen, run_with_roots
from .conftest import TOOLS_INFO, add, calls


def _client(*answers: Any) -> ReplayChatCompletionClient:
    return ReplayChatCompletionClient(list(answers), model_info=TOOLS_INFO)


def test_handoff_names_must_be_unique_with_autogens_message() -> None:
    with pytest.raises(
        ValueError, match=r"^Handoff names must be unique: \['transfer_to_b', 'transfer_to_b'\]"
    ):
        AssistantAgent("a", _client(), handoffs=["b", Handoff(target="c", name="transfer_to_b")])


def test_handoff_names_and_targets_must_differ_from_tool_names() -> None:
    with pytest.raises(ValueError, match=r"^Handoff names must be unique from tool names"):
        AssistantAgent("a", _client(), tools=[add], handoffs=[Handoff(target="x", name="add")])
    # As AutoGen, a handoff whose target is a tool's name is refused too.
    with pytest.raises(ValueError, match=r"^Handoff names must be unique from tool names: add"):
        AssistantAgent("a", _client(), tools=[add], handoffs=["add"])


def test_tool_names_must_be_unique_with_autogens_message() -> None:
    with pytest.raises(ValueError, match=r"^Tool names must be unique: \['add', 'add'\]"):
        AssistantAgent("a", _client(), tools=[add, FunctionTool(add)])


async def test_several_handoffs_in_one_answer_warn_and_the_first_is_executed() -> None:
    agent = AssistantAgent(
        "a",
        _client(calls(("transfer_to_b", "{}"), ("transfer_to_c", "{}"))),
        handoffs=["b", "c"],
    )
    with pytest.warns(
        UserWarning,
        match=r"Multiple handoffs detected\. Only the first is executed: \['transfer_to_b', 'transfer_to_c'\]",
    ):
        result = await agent.run(task="go")
    last = result.messages[-1]
    assert isinstance(last, HandoffMessage) and last.target == "b"


class _KeywordOnlyWorkbench(StaticWorkbench):
    """Fails unless called as AutoGen's agent calls a workbench: by keyword only."""

    seen: list[dict[str, Any]]

    async def call_tool(  # type: ignore[override]
        self,
        *,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        self.seen.append(
            {"name": name, "call_id": call_id, "token": cancellation_token is not None}
        )
        return await super().call_tool(name, arguments, cancellation_token, call_id)


async def test_workbenches_are_called_with_keyword_arguments() -> None:
    workbench = _KeywordOnlyWorkbench([FunctionTool(add)])
    workbench.seen = []
    agent = AssistantAgent(
        "a", _client(calls(("add", '{"a": 1, "b": 2}', "id-1")), "done"), workbench=workbench
    )
    result = await agent.run(task="add")
    assert workbench.seen == [{"name": "add", "call_id": "id-1", "token": True}]
    assert "3" in result.messages[-1].to_text()


async def test_a_local_output_content_type_is_saved_as_its_schema_and_rebuilt() -> None:
    class Point(BaseModel):  # defined in a function: it cannot be imported back
        x: int
        label: str = "origin"

    agent = AssistantAgent(
        "a", _client('{"x": 3}'), output_content_type=Point, output_content_type_format="x={x}"
    )
    saved = agent.dump_component()
    assert saved.config["output_content_type"] is None
    factory = saved.config["structured_message_factory"]
    assert factory["provider"] == "agentparts.messages.StructuredMessageFactory"
    assert factory["config"]["json_schema"]["properties"]["x"]["type"] == "integer"

    loaded = AssistantAgent.load_component(saved.model_dump(mode="json"))
    result = await loaded.run(task="point?")
    answer = result.messages[-1]
    assert isinstance(answer, StructuredMessage)
    content: Any = answer.content
    assert content.x == 3 and content.label == "origin"
    assert type(content) is not Point  # rebuilt from the schema, nothing imported
    assert answer.to_text() == "x=3"


def test_an_autogen_structured_message_factory_config_loads() -> None:
    # The shape AutoGen 0.7.5 writes for output_content_type (always a schema).
    config = {
        "provider": "autogen_agentchat.agents.AssistantAgent",
        "component_type": "agent",
        "config": {
            "name": "a",
            "model_client": {
                "provider": "autogen_ext.models.replay.ReplayChatCompletionClient",
                "config": {"chat_completions": []},
            },
            "description": "d",
            "reflect_on_tool_use": False,
            "tool_call_summary_format": "{result}",
            "structured_message_factory": {
                "provider": "autogen_agentchat.messages.StructuredMessageFactory",
                "component_type": "structured_message",
                "config": {
                    "json_schema": {
                        "title": "Answer",
                        "type": "object",
                        "properties": {"text": {"title": "Text", "type": "string"}},
                        "required": ["text"],
                    },
                    "format_string": "{text}!",
                    "content_model_name": "Answer",
                },
            },
        },
    }
    agent = AssistantAgent.load_component(config)
    assert agent._output_content_type is not None  # pyright: ignore[reportPrivateUsage]
    assert set(agent._output_content_type.model_fields) == {"text"}  # pyright: ignore[reportPrivateUsage]
    assert agent._output_content_type_format == "{text}!"  # pyright: ignore[reportPrivateUsage]


# --- streaming tools: the same script under AutoGen 0.7.5 and agentparts -----------------


STREAM_SCRIPT = """
import asyncio, json, warnings
from typing import Any
from pydantic import BaseModel
from CORE import FunctionCall
from CORE.models import CreateResult, RequestUsage
from CORE.tools import BaseStreamTool
from CHAT.agents import AssistantAgent
from CHAT.conditions import MaxMessageTermination
from CHAT.messages import TextMessage
from CHAT.teams import RoundRobinGroupChat
from CHAT.tools import AgentTool, TeamTool
from EXT.models.replay import ReplayChatCompletionClient

INFO = {"vision": False, "function_calling": True, "json_output": False, "family": "unknown",
        "structured_output": False}

class CountArgs(BaseModel):
    n: int

class Count(BaseStreamTool[CountArgs, Any, int]):
    def __init__(self):
        super().__init__(CountArgs, int, "count", "Count to n, reporting each step.")
    async def run(self, args, cancellation_token):
        return args.n
    async def run_stream(self, args, cancellation_token):
        for i in range(1, args.n + 1):
            yield TextMessage(content=f"step {i}", source="count")
        yield f"raw {args.n}"  # neither an event nor a message: dropped with a warning
        yield args.n

def call(name, arguments):
    return CreateResult(content=[FunctionCall(id="c1", arguments=arguments, name=name)],
                        finish_reason="function_calls", cached=False,
                        usage=RequestUsage(prompt_tokens=0, completion_tokens=0))

def agent(answers, tool, **kwargs):
    client = ReplayChatCompletionClient(answers, model_info=INFO)
    return AssistantAgent("a", model_client=client, tools=[tool], **kwargs)

def helper(name, answer):
    client = ReplayChatCompletionClient([answer], model_info=INFO)
    return AssistantAgent(name, model_client=client, description=name)

def describe(item):
    if type(item).__name__ == "TaskResult":
        return ["TaskResult", [type(m).__name__ for m in item.messages]]
    content = item.content
    if isinstance(content, list):  # tool call requests and results
        content = [[c.name, getattr(c, "arguments", None) or c.content] for c in content]
    return [type(item).__name__, item.source, content]

async def scenario(make, task):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        streamed = [describe(x) async for x in make().run_stream(task=task)]
    ran = describe(await make().run(task=task))
    said = sorted({str(w.message).split(":")[0] for w in caught if "Unexpected" in str(w.message)})
    return {"stream": streamed, "run": ran, "warnings": said}

def crew():
    team = RoundRobinGroupChat([helper("w1", "draft"), helper("w2", "final")],
                               termination_condition=MaxMessageTermination(3))
    return TeamTool(team, name="crew", description="A writing crew.")

async def main():
    out = {
        "stream_tool": await scenario(
            lambda: agent([call("count", '{"n": 2}'), "done"], Count()), "count"),
        "reflect": await scenario(
            lambda: agent([call("count", '{"n": 1}'), "done"], Count(), reflect_on_tool_use=True),
            "count"),
        "agent_tool": await scenario(
            lambda: agent([call("writer", '{"task": "write"}'), "done"],
                          AgentTool(helper("writer", "a poem"))), "ask"),
        "team_tool": await scenario(
            lambda: agent([call("crew", '{"task": "write"}'), "done"], crew()), "ask"),
    }
    print(json.dumps(out, sort_keys=True))

asyncio.run(main())
"""

_REQUEST = "ToolCallRequestEvent"
_EXECUTED = "ToolCallExecutionEvent"
_SUMMARY = "ToolCallSummaryMessage"

STREAM_EXPECTED: dict[str, Any] = {
    # What AutoGen 0.7.5 prints for STREAM_SCRIPT (test_autogen_streams_tool_events).
    "stream_tool": {
        "stream": [
            ["TextMessage", "user", "count"],
            [_REQUEST, "a", [["count", '{"n": 2}']]],
            ["TextMessage", "count", "step 1"],
            ["TextMessage", "count", "step 2"],
            [_EXECUTED, "a", [["count", "2"]]],
            [_SUMMARY, "a", "2"],
            [
                "TaskResult",
                ["TextMessage", _REQUEST, "TextMessage", "TextMessage", _EXECUTED, _SUMMARY],
            ],
        ],
        "run": [
            "TaskResult",
            ["TextMessage", _REQUEST, "TextMessage", "TextMessage", _EXECUTED, _SUMMARY],
        ],
        "warnings": ["Unexpected event type"],
    },
    "reflect": {
        "stream": [
            ["TextMessage", "user", "count"],
            [_REQUEST, "a", [["count", '{"n": 1}']]],
            ["TextMessage", "count", "step 1"],
            [_EXECUTED, "a", [["count", "1"]]],
            ["TextMessage", "a", "done"],
            ["TaskResult", ["TextMessage", _REQUEST, "TextMessage", _EXECUTED, "TextMessage"]],
        ],
        "run": ["TaskResult", ["TextMessage", _REQUEST, "TextMessage", _EXECUTED, "TextMessage"]],
        "warnings": ["Unexpected event type"],
    },
    "agent_tool": {
        "stream": [
            ["TextMessage", "user", "ask"],
            [_REQUEST, "a", [["writer", '{"task": "write"}']]],
            ["TextMessage", "user", "write"],
            ["TextMessage", "writer", "a poem"],
            [_EXECUTED, "a", [["writer", "writer: a poem"]]],
            [_SUMMARY, "a", "writer: a poem"],
            [
                "TaskResult",
                ["TextMessage", _REQUEST, "TextMessage", "TextMessage", _EXECUTED, _SUMMARY],
            ],
        ],
        "run": [
            "TaskResult",
            ["TextMessage", _REQUEST, "TextMessage", "TextMessage", _EXECUTED, _SUMMARY],
        ],
        "warnings": [],
    },
    "team_tool": {
        "stream": [
            ["TextMessage", "user", "ask"],
            [_REQUEST, "a", [["crew", '{"task": "write"}']]],
            ["TextMessage", "user", "write"],
            ["TextMessage", "w1", "draft"],
            ["TextMessage", "w2", "final"],
            [_EXECUTED, "a", [["crew", "w1: draft\n\nw2: final"]]],
            [_SUMMARY, "a", "w1: draft\n\nw2: final"],
            [
                "TaskResult",
                [
                    "TextMessage",
                    _REQUEST,
                    "TextMessage",
                    "TextMessage",
                    "TextMessage",
                    _EXECUTED,
                    _SUMMARY,
                ],
            ],
        ],
        "run": [
            "TaskResult",
            [
                "TextMessage",
                _REQUEST,
                "TextMessage",
                "TextMessage",
                "TextMessage",
                _EXECUTED,
                _SUMMARY,
            ],
        ],
        "warnings": [],
    },
}


def test_agentparts_streams_tool_events_as_autogen(tmp_path: Path) -> None:
    assert run_with_roots(STREAM_SCRIPT, AGENTPARTS_ROOTS, tmp_path) == STREAM_EXPECTED


@needs_autogen
def test_autogen_streams_tool_events(tmp_path: Path) -> None:
    assert run_with_roots(STREAM_SCRIPT, AUTOGEN_ROOTS, tmp_path) == STREAM_EXPECTED
