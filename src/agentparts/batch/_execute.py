"""Running one task of a batch on a fresh agent; shared by local mode and Ray workers."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Sequence
from typing import Any

from .._cancellation_token import CancellationToken
from .._component import ComponentLoader
from .._component_model import ComponentModel
from ..base import ChatAgent, TaskResult, Team
from ..messages import BaseChatMessage
from ..models import ChatCompletionClient
from ._results import BatchResult
from ._tasks import BatchTask

__all__ = ["AgentFactory", "AgentSource", "as_config", "run_task"]

_logger = logging.getLogger(__name__)

AgentSource = ComponentModel | dict[str, Any] | str | os.PathLike[str] | ChatAgent | Team
"""What a batch takes as its agent: a saved agent (model, dict, JSON/YAML path) or an agent."""


def as_config(source: AgentSource) -> ComponentModel:
    """The saved form of the batch's agent, read once.

    Args:
        source: A component model, its dict, a JSON/YAML file path, or an agent (saved
            with its secrets, since every task loads a fresh copy of it).

    Raises:
        ComponentLoadError: The config is malformed or cannot be read.
    """
    if isinstance(source, (ChatAgent, Team)):
        return source.dump_component(include_secrets=True)
    from .._component import _as_component_model

    return _as_component_model(source)


class AgentFactory:
    """Loads a fresh agent from one saved config for every task.

    Args:
        config: The saved agent.
        allowed_providers: Extra provider prefixes to trust when loading.
    """

    def __init__(
        self, config: ComponentModel, allowed_providers: Sequence[str] | None = None
    ) -> None:
        self.config = config
        self.allowed_providers = list(allowed_providers or [])

    def new_agent(self) -> ChatAgent | Team:
        """Load a new agent (or team) from the config.

        Raises:
            ComponentLoadError: The config cannot be loaded or is not an agent or a team.
        """
        expected = Team if self.config.component_type == "team" else ChatAgent
        return ComponentLoader.load_component(
            self.config, expected, allowed_providers=self.allowed_providers
        )

    async def check(self) -> None:
        """Load (and close) one agent so that a broken config fails before any task runs.

        Raises:
            ComponentLoadError: The config cannot be loaded as an agent.
        """
        await _close(self.new_agent())


async def run_task(
    factory: AgentFactory, task: BatchTask, *, timeout: float | None = None
) -> BatchResult:
    """Run ``task`` on a fresh agent and describe the outcome.

    A failure or a timeout becomes a result with ``error`` set; only cancellation of the
    calling task propagates (as :class:`asyncio.CancelledError`), leaving no result, so
    that the task runs again on resume.

    Args:
        factory: Gives the fresh agent.
        task: The task to run.
        timeout: Seconds the run may take, or ``None`` for no limit.
    """
    started = time.perf_counter()
    token = CancellationToken()
    try:
        agent = factory.new_agent()
    except Exception as exc:
        return _failed(task, started, f"The agent could not be loaded: {_describe(exc)}")
    try:
        outcome = await asyncio.wait_for(
            agent.run(task=task.task, cancellation_token=token), timeout
        )
    except TimeoutError:
        token.cancel()
        return _failed(task, started, f"Timed out after {timeout:g} s.")
    except asyncio.CancelledError:
        token.cancel()
        raise
    except (Exception, SystemExit) as exc:  # sys.exit() in a tool fails this task only
        token.cancel()
        return _failed(task, started, _describe(exc))
    finally:
        await _close(agent)
    return _succeeded(task, started, outcome)


def _succeeded(task: BatchTask, started: float, outcome: TaskResult) -> BatchResult:
    prompt_tokens = completion_tokens = 0
    final: str | None = None
    for message in outcome.messages:
        usage = message.models_usage
        if usage is not None:
            prompt_tokens += usage.prompt_tokens
            completion_tokens += usage.completion_tokens
        if isinstance(message, BaseChatMessage):
            final = message.to_text()
    return BatchResult(
        id=task.id,
        final_message=final,
        stop_reason=outcome.stop_reason,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        duration=time.perf_counter() - started,
        metadata=task.metadata,
    )


def _failed(task: BatchTask, started: float, error: str) -> BatchResult:
    return BatchResult(
        id=task.id,
        duration=time.perf_counter() - started,
        error=error,
        metadata=task.metadata,
    )


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _close(agent: ChatAgent | Team) -> None:
    """Release the agent and, since the batch loaded it, the model client it was given."""
    try:
        await agent.close()
        client = getattr(agent, "model_client", None)
        if isinstance(client, ChatCompletionClient):
            await client.close()
    except Exception as exc:  # the run's outcome is already known; do not lose it
        _logger.warning("Closing agent %r failed: %s", agent.name, _describe(exc))
