"""ListMemory and the Memory interface."""

from __future__ import annotations

import json

import agentparts.memory as memory_module
from agentparts.memory import (
    ListMemory,
    Memory,
    MemoryContent,
    MemoryMimeType,
    MemoryQueryResult,
)
from agentparts.model_context import UnboundedChatCompletionContext
from agentparts.models import SystemMessage


def test_public_names_sorted() -> None:
    assert memory_module.__all__ == sorted(memory_module.__all__)


async def test_add_query_clear() -> None:
    memory = ListMemory(name="prefs")
    await memory.add(MemoryContent(content="Use metric units", mime_type=MemoryMimeType.TEXT))
    await memory.add(MemoryContent(content={"diet": "vegan"}, mime_type=MemoryMimeType.JSON))
    result = await memory.query("anything")
    assert isinstance(result, MemoryQueryResult)
    assert [m.content for m in result.results] == ["Use metric units", {"diet": "vegan"}]
    await memory.clear()
    assert (await memory.query("x")).results == []
    assert memory.name == "prefs"


async def test_update_context_adds_one_system_message_listing_items() -> None:
    memory = ListMemory(
        memory_contents=[MemoryContent(content="likes tea", mime_type="text/plain")]
    )
    ctx = UnboundedChatCompletionContext()
    result = await memory.update_context(ctx)
    messages = await ctx.get_messages()
    assert len(messages) == 1 and isinstance(messages[0], SystemMessage)
    assert "1. likes tea" in messages[0].content
    assert [m.content for m in result.memories.results] == ["likes tea"]


async def test_empty_memory_adds_nothing() -> None:
    ctx = UnboundedChatCompletionContext()
    result = await ListMemory().update_context(ctx)
    assert result.memories.results == [] and await ctx.get_messages() == []


def test_component_round_trip_keeps_contents_and_mime_types() -> None:
    memory = ListMemory(
        name="m",
        memory_contents=[
            MemoryContent(content="x", mime_type=MemoryMimeType.MARKDOWN, metadata={"k": 1}),
            MemoryContent(content="y", mime_type="text/x-custom"),
        ],
    )
    saved = json.loads(memory.dump_component().model_dump_json())
    assert saved["config"]["memory_contents"][0]["mime_type"] == "text/markdown"
    loaded = Memory.load_component(saved)
    assert isinstance(loaded, ListMemory)
    assert loaded.content == memory.content
    assert loaded.content[0].mime_type is MemoryMimeType.MARKDOWN
    assert loaded.content[1].mime_type == "text/x-custom"
