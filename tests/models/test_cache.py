from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from agentparts import ComponentLoader
from agentparts.models import (
    ChatCompletionClient,
    CreateResult,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from agentparts.models.cache import ChatCompletionCache, DiskStore, InMemoryStore
from agentparts.models.openai import OpenAIChatCompletionClient
from agentparts.models.replay import ReplayChatCompletionClient
from agentparts.testing import OpenAITestServer

from .conftest import make_client

HELLO = [UserMessage(content="hello there", source="user")]


def count_json_files(path: Path) -> int:
    return len(list(path.rglob("*.json")))


class Shape(BaseModel):
    sides: int


async def test_repeated_call_is_answered_from_the_cache() -> None:
    inner = ReplayChatCompletionClient(["first", "second"])
    inner.set_cached_bool_value(False)  # replay marks its answers cached by default (AutoGen)
    cache = ChatCompletionCache(inner)
    first = await cache.create(HELLO)
    again = await cache.create(HELLO)
    assert first.content == again.content == "first"
    assert first.cached is False and again.cached is True
    assert inner.remaining == 1
    assert cache.total_usage() == RequestUsage(4, 2)
    assert cache.actual_usage() == RequestUsage(2, 1)


async def test_key_covers_every_argument() -> None:
    cache = ChatCompletionCache(ReplayChatCompletionClient([]))
    tool = {"name": "t", "parameters": {"type": "object", "properties": {}}}
    keys = {
        cache.cache_key(HELLO),
        cache.cache_key([UserMessage(content="hello there", source="other")]),
        cache.cache_key([SystemMessage(content="s"), *HELLO]),
        cache.cache_key(HELLO, tools=[tool]),
        cache.cache_key(HELLO, tools=[tool], tool_choice="required"),
        cache.cache_key(HELLO, json_output=True),
        cache.cache_key(HELLO, json_output=Shape),
        cache.cache_key(HELLO, extra_create_args={"temperature": 0}),
    }
    assert len(keys) == 8
    assert cache.cache_key(HELLO) == cache.cache_key(list(HELLO))


def test_key_covers_the_wrapped_clients_settings() -> None:
    info = {
        "vision": False,
        "function_calling": True,
        "json_output": True,
        "family": "x",
        "structured_output": True,
    }
    cold = OpenAIChatCompletionClient(
        "m", base_url="http://127.0.0.1:1/v1", model_info=info, temperature=0.0
    )
    hot = OpenAIChatCompletionClient(
        "m", base_url="http://127.0.0.1:1/v1", model_info=info, temperature=1.0
    )
    other = OpenAIChatCompletionClient(
        "m2", base_url="http://127.0.0.1:1/v1", model_info=info, temperature=0.0
    )
    store = InMemoryStore()
    keys = {ChatCompletionCache(c, store).cache_key(HELLO) for c in (cold, hot, other)}
    assert len(keys) == 3


async def test_streams_are_cached_and_replayed_chunk_by_chunk() -> None:
    cache = ChatCompletionCache(ReplayChatCompletionClient(["a b c"]))
    first = [item async for item in cache.create_stream(HELLO)]
    again = [item async for item in cache.create_stream(HELLO)]
    assert first[:-1] == again[:-1] == ["a ", "b ", "c"]
    last = again[-1]
    assert isinstance(last, CreateResult) and last.cached and last.content == "a b c"


async def test_disk_store_survives_a_new_cache(tmp_path: Path) -> None:
    async with OpenAITestServer(["from the server"]) as server:
        client = make_client(server)
        first = await ChatCompletionCache(client, DiskStore(tmp_path)).create(HELLO)
        again = await ChatCompletionCache(client, DiskStore(tmp_path)).create(HELLO)
        assert first.content == again.content == "from the server"
        assert again.cached
        assert len(server.requests) == 1
        await client.close()
    assert count_json_files(tmp_path) == 1


def test_in_memory_store_drops_least_recently_used() -> None:
    store = InMemoryStore(max_entries=2)
    store.set("a", 1)
    store.set("b", 2)
    assert store.get("a") == 1
    store.set("c", 3)
    assert store.get("b") is None
    assert store.get("a") == 1 and store.get("c") == 3


async def test_component_round_trip(tmp_path: Path) -> None:
    cache = ChatCompletionCache(ReplayChatCompletionClient(["x"]), DiskStore(tmp_path))
    saved = cache.dump_component()
    assert saved.config["store"]["provider"] == "agentparts.models.cache.DiskStore"
    loaded = ComponentLoader.load_component(
        saved.model_dump(mode="json"), expected=ChatCompletionClient
    )
    assert isinstance(loaded, ChatCompletionCache)
    assert isinstance(loaded.store, DiskStore) and loaded.store.directory == tmp_path
    assert (await loaded.create(HELLO)).content == "x"
