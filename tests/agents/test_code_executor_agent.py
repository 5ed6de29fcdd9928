"""CodeExecutorAgent: running code from messages, and writing, running and retrying with
a model."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentparts import CancellationToken, Image
from agentparts.agents import ApprovalRequest, ApprovalResponse, CodeExecutorAgent
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.errors import CapabilityRefusedError, ProviderNotAllowedError
from agentparts.messages import (
    CodeExecutionEvent,
    CodeGenerationEvent,
    MultiModalMessage,
    TextMessage,
)
from agentparts.models import UserMessage
from agentparts.models.replay import ReplayChatCompletionClient

PRINT = "Here:\n```python\nprint(6 * 7)\n```\n"
FAIL = "```python\nraise SystemExit(3)\n```"


@pytest.fixture
async def executor(tmp_path: Path) -> AsyncIterator[LocalCommandLineCodeExecutor]:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=20) as local:
        yield local


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
    outputs = [
        str(m.content) for m in history if isinstance(m, UserMessage) and m.source == "coder"
    ]
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


# --- approval ----------------------------------------------------------------------------


def refuse_file_writes(request: ApprovalRequest) -> ApprovalResponse:
    """Module-level, so it can be saved as an import reference."""
    if "write_text" in request.code:
        return ApprovalResponse(approved=False, reason="no file writes")
    return ApprovalResponse(approved=True, reason="read-only")


def writes(path: Path, text: str = "ran") -> str:
    return f"```python\nimport pathlib\npathlib.Path({str(path)!r}).write_text({text!r})\n```"


async def test_refused_code_never_runs_and_the_reason_is_the_answer(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "refused.txt"
    requests: list[ApprovalRequest] = []

    def refuse(request: ApprovalRequest) -> ApprovalResponse:
        requests.append(request)
        return ApprovalResponse(approved=False, reason="Denied by user")

    agent = CodeExecutorAgent("runner", code_executor=executor, approval_func=refuse)
    result = await agent.run(task=writes(marker))
    assert not marker.exists()
    # AutoGen's words, as its code-only turn answers: the refusal text, not a script error.
    assert (
        result.messages[-1].to_text() == "Code execution was not approved. Reason: Denied by user"
    )
    event = result.messages[1]
    assert isinstance(event, CodeExecutionEvent) and event.result.exit_code == 1
    [request] = requests  # each block as AutoGen shows it (its code keeps its last newline)
    assert (
        request.code
        == f"```python\nimport pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n\n```"
    )
    # Without a model the request's context is what the agent received this turn.
    assert [m.content for m in request.context] == [writes(marker)]


async def test_async_approval_lets_approved_code_run(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "approved.txt"
    calls: list[str] = []

    async def approve(request: ApprovalRequest) -> ApprovalResponse:
        await asyncio.sleep(0)
        calls.append(request.code)
        return ApprovalResponse(approved=True, reason="fine")

    agent = CodeExecutorAgent("runner", code_executor=executor, approval_func=approve)
    result = await agent.run(task=writes(marker) + "\n" + PRINT)
    assert marker.read_text() == "ran"
    assert result.messages[-1].to_text().strip() == "42"
    # Both blocks were shown at once, as markdown blocks separated by a blank line.
    assert len(calls) == 1 and calls[0].count("```python\n") == 2 and "\n```\n\n```" in calls[0]


async def test_sandbox_runs_the_approved_block_and_never_the_refused_one(tmp_path: Path) -> None:
    pytest.importorskip("agentparts.code_executors.sandbox")
    from agentparts.code_executors.sandbox import SandboxedCodeExecutor

    work = tmp_path / "work"
    work.mkdir()
    allowed = "```python\nopen('allowed.txt', 'w').write('x')\nprint('ok')\n```"
    refused = "```python\nimport pathlib\npathlib.Path('refused.txt').write_text('x')\n```"
    async with SandboxedCodeExecutor(timeout=20, work_dir=work) as sandbox:
        agent = CodeExecutorAgent("runner", code_executor=sandbox, approval_func=refuse_file_writes)
        ran = await agent.run(task=allowed)
        assert ran.messages[-1].to_text().strip() == "ok"
        denied = await agent.run(task=refused)
    assert (work / "allowed.txt").exists()
    assert not (work / "refused.txt").exists()
    assert (
        denied.messages[-1].to_text() == "Code execution was not approved. Reason: no file writes"
    )


async def test_model_sees_the_refusal_and_writes_other_code(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "model.txt"
    client = ReplayChatCompletionClient([writes(marker), PRINT, "It is 42."])
    agent = CodeExecutorAgent(
        "coder",
        code_executor=executor,
        model_client=client,
        max_retries_on_error=1,
        approval_func=refuse_file_writes,
    )
    result = await agent.run(task="Compute 6*7")
    assert not marker.exists()
    attempts = [m for m in result.messages if isinstance(m, CodeExecutionEvent)]
    assert [(a.retry_attempt, a.result.exit_code) for a in attempts] == [(0, 1), (1, 0)]
    assert attempts[0].result.output == "Code execution was not approved. Reason: no file writes"
    assert result.messages[-1].to_text() == "It is 42." and result.stop_reason is None
    history = await agent._model_context.get_messages()
    shown = [m.content for m in history if isinstance(m, UserMessage) and m.source == "coder"]
    assert shown[0] == "Code execution was not approved. Reason: no file writes"


async def test_refusal_without_retries_is_the_stop_reason(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "model.txt"
    seen: list[ApprovalRequest] = []

    def refuse(request: ApprovalRequest) -> ApprovalResponse:
        seen.append(request)
        return ApprovalResponse(approved=False, reason="not today")

    client = ReplayChatCompletionClient([writes(marker), "I was not allowed to run it."])
    agent = CodeExecutorAgent(
        "coder", code_executor=executor, model_client=client, approval_func=refuse
    )
    result = await agent.run(task="Write a file")
    assert not marker.exists()
    assert result.stop_reason is not None and "Reason: not today" in result.stop_reason
    assert result.messages[-1].to_text() == "I was not allowed to run it."
    # With a model the request's context is the model context: the task and the code.
    assert [type(m).__name__ for m in seen[0].context] == ["UserMessage", "AssistantMessage"]


async def test_bad_approval_answer_is_an_error_and_runs_nothing(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "bad.txt"

    def says_yes(request: ApprovalRequest) -> bool:
        return True

    agent = CodeExecutorAgent("runner", code_executor=executor, approval_func=says_yes)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not an ApprovalResponse"):
        await agent.run(task=writes(marker))
    assert not marker.exists()
    with pytest.raises(TypeError, match="approval_func must be a function"):
        CodeExecutorAgent("runner", code_executor=executor, approval_func="yes")  # type: ignore[arg-type]


async def test_direct_execute_code_block_asks_for_approval(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "direct.txt"
    agent = CodeExecutorAgent("runner", code_executor=executor, approval_func=refuse_file_writes)
    blocks = agent.extract_code_blocks(writes(marker))
    result = await agent.execute_code_block(blocks, CancellationToken())
    assert (result.exit_code, result.output) == (
        1,
        "Code execution was not approved. Reason: no file writes",
    )
    assert not marker.exists()


async def test_approval_func_is_saved_as_an_import_reference(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    agent = CodeExecutorAgent("runner", code_executor=executor, approval_func=refuse_file_writes)
    saved = json.loads(agent.dump_component().model_dump_json())
    assert saved["config"]["approval_func"] == f"{__name__}.refuse_file_writes"
    # Loading the reference goes through the one resolver: refused until the caller allows it.
    with pytest.raises(ProviderNotAllowedError, match="approval_func"):
        CodeExecutorAgent.load_component(saved)
    allowed = ["tests.agents"]
    loaded = CodeExecutorAgent.load_component(saved, allowed_providers=allowed)
    marker = tmp_path / "loaded.txt"
    try:
        result = await loaded.run(task=writes(marker))
    finally:
        await loaded.close()
    assert not marker.exists()
    assert result.messages[-1].to_text().endswith("Reason: no file writes")
    # An untrusted load refuses a function that would run in the host process.
    with pytest.raises(CapabilityRefusedError, match="approval"):
        CodeExecutorAgent.load_component(saved, allowed_providers=allowed, untrusted=True)
    # AutoGen refuses to save an approval function; here a lambda or local function cannot
    # be imported back, so saving one is an error too (a ValueError, as AutoGen's).
    local = CodeExecutorAgent(
        "runner",
        code_executor=executor,
        approval_func=lambda r: ApprovalResponse(approved=True, reason=""),
    )
    with pytest.raises(ValueError, match="module level"):
        local.dump_component()
    # A config AutoGen wrote has no approval_func: it loads with none.
    del saved["config"]["approval_func"]
    assert CodeExecutorAgent.load_component(saved)._approval_func is None


async def test_cancel_while_waiting_for_approval(
    executor: LocalCommandLineCodeExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "never.txt"
    asked = asyncio.Event()

    async def wait_forever(request: ApprovalRequest) -> ApprovalResponse:
        asked.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    agent = CodeExecutorAgent("runner", code_executor=executor, approval_func=wait_forever)
    token = CancellationToken()
    run = asyncio.create_task(agent.run(task=writes(marker), cancellation_token=token))
    await asyncio.wait_for(asked.wait(), 10)
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(run, 10)
    assert not marker.exists()


async def test_a_model_without_vision_gets_images_as_text(
    executor: LocalCommandLineCodeExecutor,
) -> None:
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    task = MultiModalMessage(content=["What is in", Image.from_base64(png)], source="user")
    blind = ReplayChatCompletionClient(
        ["No code needed."],
        model_info={**ReplayChatCompletionClient([]).model_info, "vision": False},
    )
    seeing = ReplayChatCompletionClient(
        ["No code needed."],
        model_info={**ReplayChatCompletionClient([]).model_info, "vision": True},
    )
    for client in (blind, seeing):
        agent = CodeExecutorAgent("coder", code_executor=executor, model_client=client)
        await agent.run(task=task)
    [blind_call], [seeing_call] = blind.create_calls, seeing.create_calls
    assert blind_call["messages"][-1].content == "What is in\n<image>"
    assert isinstance(seeing_call["messages"][-1].content, list)
