"""The console shows teams: speakers, handoffs, selections, turns; user input waits for it."""

from __future__ import annotations

import io

from agentparts.agents import UserProxyAgent
from agentparts.base import TaskResult
from agentparts.conditions import TextMentionTermination
from agentparts.teams import RoundRobinGroupChat, Swarm
from agentparts.ui import Console, UserInputManager

from .conftest import assistant
from .test_swarm import agent, handoff_to


async def test_a_swarm_run_shows_handoffs_speakers_and_turns() -> None:
    team = Swarm(
        [agent("alice", ["bob"], handoff_to("bob")), agent("bob", ["alice"], "Done. TERMINATE")],
        termination_condition=TextMentionTermination("TERMINATE"),
        emit_team_events=True,
    )
    out = io.StringIO()
    result = await Console(team.run_stream(task="Book it."), plain=True, file=out)
    assert isinstance(result, TaskResult)
    text = out.getvalue()
    assert "---------- SelectSpeakerEvent (SwarmGroupChatManager) ----------\n['alice']" in text
    assert "---------- HandoffMessage (alice) ----------" in text
    assert "-> handoff to bob" in text
    assert "Turns: alice 1, bob 1" in text
    assert "Stop reason: Text 'TERMINATE' mentioned" in text


async def test_the_user_is_asked_only_after_the_console_showed_the_conversation() -> None:
    out = io.StringIO()
    shown_when_asked: list[str] = []

    def typed(prompt: str) -> str:
        shown_when_asked.append(out.getvalue())
        return "Looks good. APPROVE"

    manager = UserInputManager(typed)
    user = UserProxyAgent("user_proxy", input_func=manager.get_wrapped_callback())
    team = RoundRobinGroupChat(
        [assistant("writer", "A draft."), user],
        termination_condition=TextMentionTermination("APPROVE"),
    )
    await Console(team.run_stream(task="Write."), plain=True, file=out, user_input_manager=manager)
    assert "A draft." in shown_when_asked[0]
    assert "UserInputRequestedEvent" not in out.getvalue()
    assert "Looks good. APPROVE" in out.getvalue()
