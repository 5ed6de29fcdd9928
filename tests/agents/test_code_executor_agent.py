"""CodeExecutorAgent: running code from messages, and writing, running and retrying with
a model."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agentparts import CancellationToken
from agentparts.agents import CodeExecutorAgent
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.messages import CodeExecutionEvent, CodeGenerationEvent, TextMessage
from agentparts.models import UserMessage
from agentparts.models.replay import ReplayChatCompletionClient

PRINT = "Here:\n```python\nprint(6 * 7)\n```\n"
FAIL = "```python\nraise SystemExit(3)\n```"


@pytest.fixture
async def executor(tmp_path: Path) -> LocalCommandLineCodeExecutor:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=20) as local:
        yield local  # type: ignore[misc]


async def test_runs_code_blocks_from_messages(executor: LocalCommandLineCodeExecutor) -> None:
    agent = CodeExecutorAgent("runner", code_executor=executor)
    result = await agent.run(task=PRINT)
    assert [type(m).__name__ for m in result.messages] == [
        "TextMessage",
        "CodeExecutionEvent",
        "TextMessage",
    ]
    event = result.messages[1]
    assert isinstance(event, CodeExecutionEvent) and event.result.exit_code == 0
    assert result.messages[-1].to_text().strip() == "42"


async def test_reports_errors_and_missing_code(executor: LocalCommandLineCodeExecutor) -> None:
    agent = CodeExecutorAgent("runner", code_executor=executor)
    failed = await agent.run(task=FAIL)
    assert "exit code: 3" in failed.messages[-1].to_text()
    nothing = await agent.run(task="no code here")
    assert "No code blocks found" in nothing.messages[-1].to_text()
    unsupported = await agent.run(task="```rust\nfn main() {}\n```")
    assert "No code blocks found" in unsupported.messages[-1].to_text()


async def test_sources_filter(executor: LocalCommandLineCodeExecutor) -> None:
    agent = CodeExecutorAgent("runner", code_executor=executor, sources=["coder"])
    ignored = await agent.run(task=TextMessage(content=PRINT, source="stranger"))
    assert "No code blocks found" in ignored.messages[-1].to_text()
    ran = await agent.run(task=TextMessage(content=PRINT, source="coder"))
    assert ran.messages[-1].to_text().strip() == "42"


async def test_model_writes_code_retries_after_an_error_then_answers(
    executor: LocalCommandLineCodeExecutor,
) -> None:
    client = ReplayChatCompletionClient([FAIL, PRINT, "The answer is 42."])
    agent = CodeExecutorAgent(
        "coder", code_executor=executor, model_client=client, max_retries_on_error=1
    )
    result = await agent.run(task="Compute 6*7")
    kinds = [type(m).__name__ for m in result.messages]
    assert kinds == [
        "TextMessage",
        "CodeGenerationEvent",
        "CodeExecutionEvent",
        "CodeGenerationEvent",
        "CodeExecutionEvent",
        "TextMessage",
    ]
    attempts = [m for m in result.messages if isinstance(m, CodeExecutionEvent)]
    assert [(a.retry_attempt, a.result.exit_code) for a in attempts] == [(0, 3), (1, 0)]
    generated = result.messages[1]
    assert (
        isinstance(generated, CodeGenerationEvent) and generated.code_blocks[0].language == "python"
    )
    assert result.messages[-1].to_text() == "The answer is 42."
    assert result.stop_reason is None
    # The model saw the failing output before retrying.
    history = await agent._model_context.get_messages()
    outputs = [m.content for m in history if isinstance(m, UserMessage) and m.source == "coder"]
    assert "exit code: 3" in outputs[0] and outputs[1].strip() == "42"


async def test_retry_limit_gives_a_stop_reason(executor: LocalCommandLineCodeExecutor) -> None:
    client = ReplayChatCompletionClient([FAIL, FAIL, "I could not do it."])
    agent = CodeExecutorAgent(
        "coder", code_executor=executor, model_client=client, max_retries_on_error=1
    )
    result = await agent.run(task="try")
    assert result.stop_reason is not None and "after 1 retries" in result.stop_reason
    assert result.messages[-1].to_text() == "I could not do it."


async def test_model_answer_without_code_ends_the_turn(
    executor: LocalCommandLineCodeExecutor,
) -> None:
    agent = CodeExecutorAgent(
        "coder",
        code_executor=executor,
        model_client=ReplayChatCompletionClient(["No code needed."]),
    )
    result = await agent.run(task="hi")
    assert [type(m).__name__ for m in result.messages] == ["TextMessage", "TextMessage"]


async def test_cancel_stops_running_code(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "started"
    code = f"```python\nimport time, pathlib\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(60)\n```"
    agent = CodeExecutorAgent("runner", code_executor=executor)
    token = CancellationToken()

    async def cancel_when_started() -> None:
        while not marker.exists():  # noqa: ASYNC110 - the subprocess makes the file
            await asyncio.sleep(0.01)
        token.cancel()

    canceller = asyncio.create_task(cancel_when_started())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(agent.run(task=code, cancellation_token=token), 30)
    await canceller


async def test_state_and_component_round_trip(executor: LocalCommandLineCodeExecutor) -> None:
    agent = CodeExecutorAgent(
        "coder",
        code_executor=executor,
        model_client=ReplayChatCompletionClient(["No code needed."]),
        max_retries_on_error=2,
        supported_languages=["python"],
    )
    await agent.run(task="hi")
    state = json.loads(json.dumps(await agent.save_state()))
    saved = json.loads(agent.dump_component().model_dump_json())
    assert saved["config"]["code_executor"]["component_type"] == "code_executor"
    loaded = CodeExecutorAgent.load_component(saved)
    await loaded.load_state(state)
    assert await loaded._model_context.get_messages() == await agent._model_context.get_messages()
    assert loaded.dump_component() == agent.dump_component()


async def test_default_executor_is_the_sandbox() -> None:
    pytest.importorskip("agentparts.code_executors.sandbox")
    from agentparts.code_executors.sandbox import SandboxedCodeExecutor

    agent = CodeExecutorAgent("runner")
    assert isinstance(agent.code_executor, SandboxedCodeExecutor)
    assert agent.dump_component().config["code_executor"] is None
    try:
        result = await agent.run(task=PRINT)
        assert result.messages[-1].to_text().strip() == "42"
    finally:
        await agent.close()
