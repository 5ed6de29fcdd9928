"""The benchmark model server: agentparts.testing's OpenAI-compatible server, zero latency.

Run as ``python benchmarks/server.py [--port N]``; prints ``listening on URL`` when ready.
It answers by rule, so any number of concurrent clients get the same replies:

- a request whose last message is a user message and that offers tools: a call of the
  first tool with ``{"a": 1, "b": 2}``;
- a request whose last message is a tool result: ``"The answer is 3."``;
- a user message starting with ``BENCH_LONG_REPLY``: 500 words (streamed one per chunk);
- a last message starting with ``BENCH_STALL``: ``"late"`` after 60 s (a stalled model, for
  the cancellation scenario);
- a last message asking for a Magentic-One progress ledger (it names the keys
  ``"is_request_satisfied"`` and ``"next_speaker"``): the ledger as JSON in a Markdown fence,
  naming ``assistant`` with the instruction ``BENCH_LEDGER_STEP: say hello.``; the request
  counts as satisfied once a message contains ``BENCH_LEDGER_DONE``;
- a last message containing ``BENCH_LEDGER_STEP``: ``"BENCH_LEDGER_DONE: hello."``;
- anything else: ``"Hello! How can I help you today?"``.

Requests are not recorded (no memory growth over a long run). ``--protocol anthropic``
serves Anthropic's Messages API by the same rules (agentparts.testing's
AnthropicTestServer), ``--protocol ollama`` Ollama's ``/api/chat`` (OllamaTestServer; its
messages and tools have the OpenAI shapes the rules read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from agentparts.testing import (
    AnthropicTestServer,
    OllamaTestServer,
    OpenAITestServer,
    RecordedRequest,
    ScriptedReply,
    ScriptedToolCall,
)

LONG_MARKER = "BENCH_LONG_REPLY"
LONG_REPLY = ScriptedReply(" ".join(f"w{i}" for i in range(500)))
SHORT_REPLY = ScriptedReply("Hello! How can I help you today?")
TOOL_RESULT_REPLY = ScriptedReply("The answer is 3.")
STALL_MARKER = "BENCH_STALL"
STALLED_REPLY = ScriptedReply("late", delay=60.0)
LEDGER_SPEAKER = "assistant"  # the participant of the magentic_one_start scenario
LEDGER_STEP = "BENCH_LEDGER_STEP"
LEDGER_DONE = "BENCH_LEDGER_DONE"


def respond(request: RecordedRequest) -> ScriptedReply:
    """The rule-based answer to one request."""
    body: Any = request.body if isinstance(request.body, dict) else {}
    messages = request.messages
    last = messages[-1] if messages else {}
    role = last.get("role")
    if role == "tool":
        return TOOL_RESULT_REPLY
    tools = body.get("tools") or []
    if tools and role == "user":
        name = tools[0].get("function", {}).get("name", "add")
        return ScriptedReply(tool_calls=[ScriptedToolCall(name, {"a": 1, "b": 2})])
    content = last.get("content")
    if isinstance(content, str) and content.startswith(LONG_MARKER):
        return LONG_REPLY
    if isinstance(content, str) and content.startswith(STALL_MARKER):
        return STALLED_REPLY
    if (
        isinstance(content, str)
        and '"is_request_satisfied"' in content
        and '"next_speaker"' in content
    ):
        done = any(LEDGER_DONE in str(m.get("content")) for m in messages[:-1])
        return ScriptedReply(fenced_ledger(done))
    if isinstance(content, str) and LEDGER_STEP in content:
        return ScriptedReply(f"{LEDGER_DONE}: hello.")
    return SHORT_REPLY


def fenced_ledger(satisfied: bool) -> str:
    """A Magentic-One progress ledger the way weaker models write it: JSON in a fence."""
    ledger = {
        "is_request_satisfied": {"reason": "bench", "answer": satisfied},
        "is_in_loop": {"reason": "bench", "answer": False},
        "is_progress_being_made": {"reason": "bench", "answer": True},
        "next_speaker": {"reason": "bench", "answer": LEDGER_SPEAKER},
        "instruction_or_question": {"reason": "bench", "answer": f"{LEDGER_STEP}: say hello."},
    }
    return "```json\n" + json.dumps(ledger, indent=2) + "\n```"


def respond_anthropic(request: RecordedRequest) -> ScriptedReply:
    """The same rules for Anthropic's Messages API (``--protocol anthropic``)."""
    body: Any = request.body if isinstance(request.body, dict) else {}
    messages = request.messages
    last = messages[-1] if messages else {}
    blocks: Any = last.get("content")
    blocks = blocks if isinstance(blocks, list) else [{"type": "text", "text": str(blocks)}]
    kinds = [b.get("type") for b in blocks if isinstance(b, dict)]
    if "tool_result" in kinds:
        return TOOL_RESULT_REPLY
    tools = body.get("tools") or []
    if tools and last.get("role") == "user":
        return ScriptedReply(
            tool_calls=[ScriptedToolCall(tools[0].get("name", "add"), {"a": 1, "b": 2})]
        )
    texts = [b.get("text", "") for b in blocks if isinstance(b, dict)]
    if texts and str(texts[0]).startswith(LONG_MARKER):
        return LONG_REPLY
    return SHORT_REPLY


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--protocol", choices=("openai", "anthropic", "ollama"), default="openai")
    args = parser.parse_args()
    if args.protocol == "anthropic":
        server: OpenAITestServer = AnthropicTestServer(
            default_reply=respond_anthropic, port=args.port, record=False
        )
    elif args.protocol == "ollama":
        server = OllamaTestServer(default_reply=respond, port=args.port, record=False)
    else:
        server = OpenAITestServer(default_reply=respond, port=args.port, record=False)

    async def serve() -> None:
        await server.start()
        print(f"listening on {server.base_url}", flush=True)
        await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
