"""A workbench whose ``call_tool`` raises: the call becomes an error result, the run goes on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentparts import CancellationToken
from agentparts.agents import AssistantAgent
from agentparts.messages import ToolCallExecutionEvent
from agentparts.models import FunctionExecutionResultMessage, ModelInfo
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.tools import FunctionTool, StaticWorkbench, ToolResult

from .conftest import add, calls


class RaisingWorkbench(StaticWorkbench):
    """A workbench that raises itself (not its tool) for the tool ``add``."""

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        if name == "add" and arguments is not None and arguments.get("a") == 13:
            raise ConnectionError("the tool server went away")
        return await super().call_tool(name, arguments, cancellation_token, call_id)


async def test_a_workbench_that_raises_becomes_an_error_result_and_the_run_goes_on() -> None:
    workbench = RaisingWorkbench([FunctionTool(add)])
    client = ReplayChatCompletionClient(
        [
            calls(("add", '{"a": 13, "b": 1}'), ("add", '{"a": 2, "b": 3}')),
            calls(("add", '{"a": 4, "b": 4}')),
            "done after the error",
        ],
        model_info=ModelInfo(
            vision=False,
            function_calling=True,
            json_output=False,
            family="unknown",
            structured_output=False,
        ),
    )
    agent = AssistantAgent("a", client, workbench=workbench, max_tool_iterations=3)
    result = await agent.run(task="go")
    executed = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
    first = {r.call_id: (r.is_error, r.content) for r in executed[0].content}
    assert first == {
        "call_0": (True, "Error: ConnectionError: the tool server went away"),
        "call_1": (False, "5"),
    }
    # The run went on: a second round of tools, then the model's answer.
    assert [(r.is_error, r.content) for r in executed[1].content] == [(False, "8")]
    assert result.messages[-1].to_text() == "done after the error"
    assert len(client.calls) == 3
    # The model saw the error text in its next request.
    sent = client.calls[1]["messages"]
    results = [m for m in sent if isinstance(m, FunctionExecutionResultMessage)]
    assert results[0].content[0].is_error
    assert results[0].content[0].content == "Error: ConnectionError: the tool server went away"
