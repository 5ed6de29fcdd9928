"""Helpers for batch tests: a real local OpenAI-compatible server and an agent config for it.

The server answers by the task text: ``fail ...`` gets a non-retried 400 error, ``hang ...``
gets no answer until the test lets hanging tasks through (``answers.release()``), anything
else gets ``answer to: <task>`` with fixed usage (10 prompt, 3 completion tokens).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from agentparts.testing import Fault, OpenAITestServer, RecordedRequest, ScriptedReply

PROMPT_TOKENS = 10
COMPLETION_TOKENS = 3


class Answers:
    """The server's responder; ``hang`` tasks wait until :meth:`release` (or 60 s)."""

    def __init__(self) -> None:
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def __call__(self, request: RecordedRequest) -> ScriptedReply | Fault:
        text = _last_user_text(request)
        if text.startswith("fail"):
            return Fault.context_too_long()
        if text.startswith("hang") and not self._released.is_set():
            return Fault.hang(60.0)
        return ScriptedReply(
            f"answer to: {text}",
            prompt_tokens=PROMPT_TOKENS,
            completion_tokens=COMPLETION_TOKENS,
        )


def _last_user_text(request: RecordedRequest) -> str:
    for message in reversed(request.messages):
        if message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else json.dumps(content)
    return ""


def user_messages(request: RecordedRequest) -> list[str]:
    """The user message texts of a recorded chat completion request."""
    return [str(m.get("content")) for m in request.messages if m.get("role") == "user"]


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def server(answers: Answers) -> Iterator[OpenAITestServer]:
    with OpenAITestServer(default_reply=answers) as running:
        yield running


def agent_config(base_url: str) -> dict[str, Any]:
    """The saved form of an AssistantAgent using the test server."""
    return {
        "provider": "agentparts.agents.AssistantAgent",
        "component_type": "agent",
        "config": {
            "name": "worker",
            "description": "Answers one task.",
            "system_message": "You answer tasks.",
            "model_client": {
                "provider": "agentparts.models.openai.OpenAIChatCompletionClient",
                "component_type": "model",
                "config": {
                    "model": "gpt-4o-mini",
                    "base_url": base_url,
                    "api_key": "test-key",
                    "max_retries": 0,
                },
            },
        },
    }


@pytest.fixture
def config(server: OpenAITestServer) -> dict[str, Any]:
    return agent_config(server.base_url)


@pytest.fixture
def config_file(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "agent.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def write_tasks(path: Path, lines: Sequence[str | dict[str, Any]]) -> Path:
    """Write a tasks file; strings are written as raw lines (for malformed ones)."""
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def invoke_cli(argv: list[str]) -> tuple[int, str, str]:
    """Parse ``argv`` with the real parser and run the command; (exit code, stdout, stderr)."""
    from agentparts.cli._main import build_parser
    from agentparts.cli._util import CommandContext

    args = build_parser().parse_args(argv)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = args.handler(args, CommandContext(stdout=stdout, stderr=stderr))
    return code, stdout.getvalue(), stderr.getvalue()


def result_lines(path: Path) -> list[dict[str, Any]]:
    """Every record of a results file, in file order."""
    text = path.read_bytes().decode("utf-8")
    return [json.loads(line) for line in text.split("\n") if line]
