"""MagenticOneGroupChat: task ledger, progress ledgers (plain or fenced), stalls and
replanning, the final answer, bad ledgers, state and configs."""

from __future__ import annotations

import json
from pathlib import Path

from agentparts import ComponentLoader
from agentparts.base import TaskResult
from agentparts.messages import SelectorEvent, TextMessage
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.state import MagenticOneOrchestratorState
from agentparts.teams import MagenticOneGroupChat

from .conftest import assistant

DATA = Path(__file__).parent / "data"


def ledger(
    next_speaker: str, instruction: str, *, done: bool = False, progress: bool = True
) -> str:
    return json.dumps(
        {
            "is_request_satisfied": {
                "reason": "All answered." if done else "Not yet.",
                "answer": done,
            },
            "is_in_loop": {"reason": "No.", "answer": False},
            "is_progress_being_made": {"reason": "Yes.", "answer": progress},
            "next_speaker": {"reason": "Fits.", "answer": next_speaker},
            "instruction_or_question": {"reason": "Next step.", "answer": instruction},
        }
    )


def said(result: TaskResult) -> list[str]:
    return [
        f"{m.source}: {m.to_text()[:40]}" for m in result.messages if isinstance(m, TextMessage)
    ]


async def test_plan_instruct_answer_and_finish() -> None:
    orchestrator = ReplayChatCompletionClient(
        [
            "FACTS: 6 and 7 are given.",
            "- coder multiplies",
            ledger("coder", "Compute 6 times 7."),
            "```json\n" + ledger("coder", "-", done=True) + "\n```",  # fenced: read all the same
            "The answer is 42.",
        ]
    )
    coder = assistant("coder", "6 * 7 = 42")
    team = MagenticOneGroupChat([coder, assistant("writer")], orchestrator, emit_team_events=True)
    result = await team.run(task="What is 6 times 7?")
    assert said(result) == [
        "user: What is 6 times 7?",
        "MagenticOneOrchestrator: We are working on this request:\n\nWhat is",
        "MagenticOneOrchestrator: Compute 6 times 7.",
        "coder: 6 * 7 = 42",
        "MagenticOneOrchestrator: The answer is 42.",
    ]
    assert result.stop_reason == "All answered."
    ledger_text = result.messages[1].to_text()
    assert "FACTS: 6 and 7 are given." in ledger_text and "- coder multiplies" in ledger_text
    assert any(isinstance(m, SelectorEvent) for m in result.messages)
    state = MagenticOneOrchestratorState.model_validate(
        (await team.save_state())["agent_states"]["MagenticOneOrchestrator"]
    )
    assert state.task == "What is 6 times 7?" and state.plan == "- coder multiplies"


async def test_stalls_lead_to_a_new_plan_and_participants_start_over() -> None:
    orchestrator = ReplayChatCompletionClient(
        [
            "facts",
            "plan 1",
            ledger("coder", "Try.", progress=False),  # stall 1 of 1: replan
            "facts 2",
            "plan 2",
            ledger("coder", "Try again."),
            ledger("coder", "-", done=True),
            "Done.",
        ]
    )
    coder = assistant("coder", "attempt")
    team = MagenticOneGroupChat([coder, assistant("writer")], orchestrator, max_stalls=1)
    result = await team.run(task="Solve it.")
    texts = said(result)
    assert sum("We are working on this request" in t for t in texts) == 2
    assert "MagenticOneOrchestrator: Try again." in texts
    assert "plan 2" in [m for m in result.messages if isinstance(m, TextMessage)][-4].to_text()


async def test_an_unreadable_ledger_stops_with_a_reason_and_keeps_the_messages() -> None:
    orchestrator = ReplayChatCompletionClient(["facts", "plan", "no json", "{}", "[1]"])
    team = MagenticOneGroupChat([assistant("coder"), assistant("writer")], orchestrator)
    result = await team.run(task="Go.")
    assert result.stop_reason is not None
    assert "no readable progress ledger in 3 attempts" in result.stop_reason
    assert "'[1]'" in result.stop_reason
    assert said(result)[0] == "user: Go."


async def test_max_turns_ends_with_a_final_answer() -> None:
    orchestrator = ReplayChatCompletionClient(
        ["facts", "plan", ledger("coder", "Step."), "Best answer so far."]
    )
    team = MagenticOneGroupChat(
        [assistant("coder", "ok"), assistant("writer")], orchestrator, max_turns=1
    )
    result = await team.run(task="Go.")
    assert result.stop_reason == "Maximum number of rounds 1 reached."
    assert said(result)[-1] == "MagenticOneOrchestrator: Best answer so far."


async def test_dump_load_and_the_autogen_config() -> None:
    config = json.loads((DATA / "autogen_magentic_one.json").read_text())["magentic_one"]
    assert config["provider"] == "autogen_agentchat.teams.MagenticOneGroupChat"
    team = ComponentLoader.load_component(config, MagenticOneGroupChat)
    result = await team.run(task="What is 6 times 7?")
    assert said(result)[-2:] == ["coder: The answer is 42.", "MagenticOneOrchestrator: 42"]
    assert result.stop_reason == "The coder answered."
    await team.close()
    saved = json.loads(team.dump_component().model_dump_json())
    assert saved["provider"] == "agentparts.teams.MagenticOneGroupChat"
    again = ComponentLoader.load_component(saved, MagenticOneGroupChat)
    assert again.dump_component() == team.dump_component()


async def test_a_state_saved_mid_task_continues_without_a_new_plan() -> None:
    from agentparts.conditions import SourceMatchTermination

    first = ReplayChatCompletionClient(["facts", "- coder multiplies", ledger("coder", "Go.")])
    team = MagenticOneGroupChat(
        [assistant("coder", "6 * 7 = 42"), assistant("writer")],
        first,
        termination_condition=SourceMatchTermination(["coder"]),
    )
    stopped = await team.run(task="What is 6 times 7?")
    assert said(stopped)[-1] == "coder: 6 * 7 = 42"
    state = json.loads(json.dumps(await team.save_state()))

    later = ReplayChatCompletionClient([ledger("coder", "-", done=True), "It is 42."])
    fresh = MagenticOneGroupChat([assistant("coder"), assistant("writer")], later)
    await fresh.load_state(state)
    result = await fresh.run()
    assert said(result) == ["MagenticOneOrchestrator: It is 42."]
    # The progress ledger saw the whole conversation; no new facts or plan were asked for.
    assert len(later.calls) == 2
    ledger_prompt = str(later.calls[0]["messages"])
    assert "6 * 7 = 42" in ledger_prompt and "What is 6 times 7?" in ledger_prompt
