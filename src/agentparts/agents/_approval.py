"""Approving code before :class:`CodeExecutorAgent` runs it: the request, the answer, and
the call of the user's function."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._cancellation_token import CancelScope
from ..code_executor import CodeBlock, CodeResult
from ..models import LLMMessage

__all__ = [
    "ApprovalFuncType",
    "ApprovalRequest",
    "ApprovalResponse",
    "AsyncApprovalFunc",
    "SyncApprovalFunc",
    "ask_approval",
    "refused_result",
]

REFUSED_PREFIX = "Code execution was not approved. Reason: "


class ApprovalRequest(BaseModel):
    """What an approval function is asked to approve.

    Attributes:
        code: The code blocks about to run, each as a markdown block (```` ```python ````),
            separated by blank lines.
        context: What the agent's model has seen so far (with a model client), or the
            messages the agent received this turn (without one), as model messages.
    """

    model_config = ConfigDict(defer_build=True)

    code: str
    context: list[LLMMessage]


class ApprovalResponse(BaseModel):
    """An approval function's answer.

    Attributes:
        approved: Run the code (``True``) or not.
        reason: Why; a refusal's reason is shown to the model and in the agent's answer.
    """

    model_config = ConfigDict(defer_build=True)

    approved: bool
    reason: str


SyncApprovalFunc = Callable[[ApprovalRequest], ApprovalResponse]
"""An approval function called directly (it blocks the event loop while it runs)."""
AsyncApprovalFunc = Callable[[ApprovalRequest], Awaitable[ApprovalResponse]]
"""An approval function awaited; cancelling the run cancels it."""
ApprovalFuncType = SyncApprovalFunc | AsyncApprovalFunc


def approval_code(blocks: Sequence[CodeBlock]) -> str:
    """``blocks`` as the markdown an approval function reads."""
    return "\n\n".join(f"```{block.language}\n{block.code}\n```" for block in blocks)


async def ask_approval(
    func: ApprovalFuncType,
    blocks: Sequence[CodeBlock],
    context: Sequence[LLMMessage],
    scope: CancelScope | None,
    agent_name: str,
) -> ApprovalResponse:
    """Call ``func`` (sync or async) on ``blocks`` and check that it answered properly.

    Raises:
        TypeError: ``func`` returned something other than an :class:`ApprovalResponse`.
        Exception: whatever ``func`` raised (the code is then not run).
    """
    request = ApprovalRequest(code=approval_code(blocks), context=list(context))
    answer: Any = func(request)
    if inspect.isawaitable(answer):
        answer = await (scope.run(answer) if scope is not None else answer)
    if not isinstance(answer, ApprovalResponse):
        raise TypeError(
            f"CodeExecutorAgent {agent_name!r}: approval_func returned "
            f"{type(answer).__name__}, not an ApprovalResponse. Return "
            "ApprovalResponse(approved=True or False, reason='...'); the code was not run."
        )
    return answer


def refused_result(response: ApprovalResponse) -> CodeResult:
    """The result of code that was not approved: exit code 1 and the reason, as AutoGen."""
    return CodeResult(exit_code=1, output=f"{REFUSED_PREFIX}{response.reason}")
