"""A token-limited model context never separates a tool call from its result, at any budget
(Claude refuses a ``tool_result`` without its ``tool_use`` and the reverse)."""

from __future__ import annotations

from agentparts import FunctionCall
from agentparts.model_context import TokenLimitedChatCompletionContext
from agentparts.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.anthropic import AnthropicChatCompletionClient


def conversation() -> list[LLMMessage]:
    """Eight turns: a question, one or two parallel calls, their results, an answer."""
    messages: list[LLMMessage] = [SystemMessage(content="Use the tools.")]
    for turn in range(8):
        messages.append(UserMessage(content=f"question {turn} " * 6, source="user"))
        calls = [
            FunctionCall(id=f"toolu_{turn}_{n}", arguments='{"a": 1, "b": 2}', name="add")
            for n in range(1 + turn % 2)
        ]
        messages.append(AssistantMessage(content=calls, source="assistant"))
        results = [
            FunctionExecutionResult(content="3 " * 8, name="add", call_id=c.id) for c in calls
        ]
        messages.append(FunctionExecutionResultMessage(content=results))
        messages.append(AssistantMessage(content=f"The answer is 3 ({turn}).", source="assistant"))
    return messages


def unpaired(messages: list[LLMMessage]) -> list[str]:
    """The ids of results whose call is not before them, and of calls whose results do not
    follow them (a call in the last message may still wait for its results)."""
    problems: list[str] = []
    called: set[str] = set()
    for index, message in enumerate(messages):
        if isinstance(message, FunctionExecutionResultMessage):
            problems += [f"result {r.call_id}" for r in message.content if r.call_id not in called]
        elif isinstance(message, AssistantMessage) and isinstance(message.content, list):
            ids = {c.id for c in message.content}
            called |= ids
            answered: set[str] = set()
            for later in messages[index + 1 :]:
                if not isinstance(later, FunctionExecutionResultMessage):
                    break
                answered |= {r.call_id for r in later.content}
            if index + 1 < len(messages):
                problems += [f"call {i}" for i in sorted(ids - answered)]
    return problems


async def test_no_budget_separates_a_call_from_its_result() -> None:
    client = AnthropicChatCompletionClient(
        "claude-sonnet-4-20250514", api_key="sk-ant-test", base_url="http://127.0.0.1:9"
    )
    history = conversation()
    full = client.count_tokens(history)
    kept_sizes: set[int] = set()
    for limit in range(20, full + 20, 7):
        context = TokenLimitedChatCompletionContext(
            client, token_limit=limit, initial_messages=history
        )
        kept = await context.get_messages()
        assert isinstance(kept[0], SystemMessage)
        assert unpaired(kept) == [], (limit, len(kept))
        kept_sizes.add(len(kept))
    # The budgets cut the history at many places, not only at turn boundaries.
    assert len(kept_sizes) > 8
    assert max(kept_sizes) == len(history)


def test_the_checker_finds_a_split() -> None:
    history = conversation()
    assert unpaired(history) == []
    assert unpaired(history[:1] + history[3:]) == ["result toolu_0_0"]
    assert unpaired(history[:3] + history[4:]) == ["call toolu_0_0"]
