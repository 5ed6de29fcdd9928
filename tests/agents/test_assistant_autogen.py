"""AssistantAgent behaviours where AutoGen 0.7.5's are the contract (#19)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel

from agentparts import CancellationToken
from agentparts.agents import AssistantAgent
from agentparts.base import Handoff
from agentparts.messages import HandoffMessage, StructuredMessage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools import FunctionTool, StaticWorkbench, ToolResult

from .conftest import add, calls


def _client(*answers: Any) -> ReplayChatCompletionClient:
    return ReplayChatCompletionClient(list(answers))


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
