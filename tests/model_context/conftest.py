from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from pydantic import BaseModel

from agentparts import CancellationToken, Component
from agentparts.models import ChatCompletionClient, CreateResult, LLMMessage, ModelCapabilities


class WordCountConfig(BaseModel):
    max_tokens: int = 100


class WordCountClient(ChatCompletionClient, Component[WordCountConfig]):
    """A guide-style client: count_tokens and remaining_tokens take no ``tools=``."""

    component_config_schema = WordCountConfig

    def __init__(self, max_tokens: int = 100) -> None:
        self._max_tokens = max_tokens

    async def create(
        self, messages: Sequence[LLMMessage], cancellation_token: CancellationToken, **kwargs: Any
    ) -> CreateResult:
        raise NotImplementedError

    async def create_stream(
        self, messages: Sequence[LLMMessage], cancellation_token: CancellationToken, **kwargs: Any
    ) -> AsyncGenerator[str | CreateResult, None]:
        raise NotImplementedError
        yield ""

    @property
    def capabilities(self) -> ModelCapabilities:
        return ModelCapabilities(vision=False, function_calling=True, json_output=True)

    def count_tokens(self, messages: Sequence[LLMMessage]) -> int:  # type: ignore[override]
        return sum(len(str(m.content).split()) for m in messages)

    def remaining_tokens(self, messages: Sequence[LLMMessage]) -> int:  # type: ignore[override]
        return self._max_tokens - self.count_tokens(messages)

    def _to_config(self) -> WordCountConfig:
        return WordCountConfig(max_tokens=self._max_tokens)

    @classmethod
    def _from_config(cls, config: WordCountConfig) -> WordCountClient:
        return cls(config.max_tokens)
