"""``ChatCompletionCache``: a model client wrapper that answers repeated calls from a store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self, cast

from ..._cancellation_token import CancellationToken
from ..._component import Component
from ..._lazy import imported_on_read
from .._client import ChatCompletionClient, count_tokens_compat, remaining_tokens_compat
from .._model_info import ModelCapabilities, ModelInfo
from ._stores import CacheStore, InMemoryStore

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ...tools import Tool, ToolSchema
    from .._types import CreateResult, LLMMessage
    from ._config import ChatCompletionCacheConfig

__all__ = ["ChatCompletionCache"]


def _tool_schema(tool: Tool | ToolSchema) -> Any:
    return tool if isinstance(tool, dict) else tool.schema


def _client_identity(client: ChatCompletionClient) -> Any:
    """What about the client changes answers: its saved config (secrets masked)."""
    try:
        return client.dump_component().model_dump(mode="json")
    except (NotImplementedError, TypeError):
        return {
            "class": f"{type(client).__module__}.{type(client).__qualname__}",
            "model": client.model,
        }


class ChatCompletionCache(ChatCompletionClient, Component["ChatCompletionCacheConfig"]):
    """Wraps a model client; a call seen before is answered from the store, ``cached=True``.

    The cache key covers everything that can change the answer: the wrapped client's
    saved config (model, endpoint, temperature...), the messages, tools, tool choice,
    JSON/structured output schema and extra request arguments. Streamed answers are
    replayed chunk by chunk.

    Args:
        client: The client to wrap.
        store: Where answers are kept (default: a new :class:`InMemoryStore`).

    Example:
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> cache = ChatCompletionCache(ReplayChatCompletionClient(["Hi"]))
    """

    component_config_schema = imported_on_read(
        "agentparts.models.cache._config", "ChatCompletionCacheConfig"
    )
    component_provider_override = "agentparts.models.cache.ChatCompletionCache"

    def __init__(self, client: ChatCompletionClient, store: CacheStore | None = None) -> None:
        self.client = client
        self.store: CacheStore = store if store is not None else InMemoryStore()
        self._identity = json.dumps(_client_identity(client), sort_keys=True, default=str)

    @property
    def model(self) -> str:
        """The wrapped client's model."""
        return self.client.model

    @property
    def model_info(self) -> ModelInfo:
        """The wrapped client's model info."""
        return self.client.model_info

    @property
    def capabilities(self) -> ModelCapabilities:
        """The wrapped client's capabilities."""
        return self.client.capabilities

    def cache_key(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
    ) -> str:
        """The hex digest a call is stored under."""
        if json_output is None or isinstance(json_output, bool):
            output: Any = json_output
        else:
            output = {"name": json_output.__name__, "schema": json_output.model_json_schema()}
        choice: Any = tool_choice if isinstance(tool_choice, str) else tool_choice.schema["name"]
        parts = {
            "client": self._identity,
            "messages": [m.model_dump(mode="json") for m in messages],
            "tools": [_tool_schema(t) for t in tools],
            "tool_choice": choice,
            "json_output": output,
            "extra_create_args": dict(extra_create_args),
        }
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _cached(self, key: str) -> tuple[CreateResult, list[str] | None] | None:
        from .._types import CreateResult

        value: Any = self.store.get(key)
        if not isinstance(value, dict) or "result" not in value:
            return None
        entry = cast("dict[str, Any]", value)
        result = CreateResult.model_validate(entry["result"])
        result.cached = True
        chunks: Any = entry.get("chunks")
        if not isinstance(chunks, list):
            return result, None
        return result, [str(c) for c in cast("list[Any]", chunks)]

    def _store(self, key: str, result: CreateResult, chunks: list[str] | None) -> None:
        self.store.set(key, {"result": result.model_dump(mode="json"), "chunks": chunks})

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """The stored answer to this exact call, or the wrapped client's (then stored)."""
        key = self.cache_key(messages, tools, tool_choice, json_output, extra_create_args)
        hit = self._cached(key)
        if hit is not None:
            self._record_usage(hit[0].usage, cached=True)
            return hit[0]
        result = await self.client.create(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        )
        self._store(key, result, None)
        self._record_usage(result.usage)
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = (),
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Replay the stored answer's chunks, or stream the wrapped client's (then store it)."""
        from .._types import CreateResult

        key = self.cache_key(messages, tools, tool_choice, json_output, extra_create_args)
        hit = self._cached(key)
        if hit is not None:
            result, stored = hit
            if stored is None and isinstance(result.content, str) and result.content:
                stored = [result.content]
            for chunk in stored or ():
                yield chunk
            self._record_usage(result.usage, cached=True)
            yield result
            return
        chunks: list[str] = []
        async for item in self.client.create_stream(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        ):
            if isinstance(item, CreateResult):
                self._store(key, item, chunks)
                self._record_usage(item.usage)
            else:
                chunks.append(item)
            yield item

    def count_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """The wrapped client's token count."""
        return count_tokens_compat(self.client, messages, tools)

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = ()
    ) -> int:
        """The wrapped client's remaining tokens."""
        return remaining_tokens_compat(self.client, messages, tools)

    async def close(self) -> None:
        """Close the wrapped client."""
        await self.client.close()

    def _to_config(self) -> ChatCompletionCacheConfig:
        from ._config import ChatCompletionCacheConfig

        return ChatCompletionCacheConfig(
            chat_completion_client=self.client.dump_component(),
            store=self.store.dump_component(),
        )

    @classmethod
    def _from_config(cls, config: ChatCompletionCacheConfig) -> Self:
        client = ChatCompletionClient.load_component(
            config.chat_completion_client, expected=ChatCompletionClient
        )
        store = None
        if config.store is not None:
            store = CacheStore.load_component(config.store, expected=CacheStore)
        return cls(client, store)
