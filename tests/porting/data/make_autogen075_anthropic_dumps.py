"""How tests/porting/data/autogen075_anthropic*.json were made.

Not a test; needs AutoGen 0.7.5 with its ``anthropic`` extra, in the venv that
``scripts/bench`` creates (``uv pip install -p benchmarks/.envs/autogen
'autogen-ext[anthropic]==0.7.5'``). Run from this folder:

    ANTHROPIC_API_KEY=unused ../../../benchmarks/.envs/autogen/bin/python -W ignore \
        make_autogen075_anthropic_dumps.py .

The key comes from the environment so that AutoGen saves no (masked) ``api_key``, except
in ``autogen075_anthropic_masked_key.json``, which shows what AutoGen writes for a key
given as an argument. ``autogen075_anthropic_gallery.json`` is the client as AutoGen
Studio's gallery builder makes it (Claude 3.7 Sonnet, its label and description), and
``autogen075_assistant_anthropic.json`` an AssistantAgent using the client with a tool.
The files are AutoGen's ``dump_component()`` output, unedited.
"""

import json
import sys
from pathlib import Path

from autogen_agentchat.agents import AssistantAgent
from autogen_ext.models.anthropic import AnthropicChatCompletionClient


async def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def _write(out: Path, name: str, data: object) -> None:
    (out / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(out: Path) -> None:
    thinking = AnthropicChatCompletionClient(
        model="claude-3-7-sonnet-20250219",
        max_tokens=2048,
        temperature=1.0,
        thinking={"type": "enabled", "budget_tokens": 1024},
        stop_sequences=["END"],
        default_headers={"anthropic-beta": "prompt-caching-2024-07-31"},
    )
    _write(out, "autogen075_anthropic.json", thinking.dump_component().model_dump(mode="json"))
    gallery = AnthropicChatCompletionClient(model="claude-3-7-sonnet-20250219")
    dumped = gallery.dump_component()
    dumped.label = "Anthropic Claude-3-7"
    dumped.description = "Anthropic Claude-3.7 Sonnet model client."
    _write(out, "autogen075_anthropic_gallery.json", dumped.model_dump(mode="json"))
    keyed = AnthropicChatCompletionClient(model="claude-sonnet-4-20250514", api_key="sk-ant-x")
    masked = keyed.dump_component().model_dump(mode="json")
    _write(out, "autogen075_anthropic_masked_key.json", masked)
    agent = AssistantAgent("claude_agent", model_client=gallery, tools=[add])
    _write(
        out, "autogen075_assistant_anthropic.json", agent.dump_component().model_dump(mode="json")
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
