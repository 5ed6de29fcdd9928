"""``ChatCompletionClientTests``: the conformance suite for model clients."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest

from .._cancellation_token import CancellationToken
from ..code_executor import CodeExecutor
from ..models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
    count_tokens_compat,
    validate_model_info,
)
from ._suite_common import (
    check_bad_config_is_refused,
    check_round_trip,
    check_secrets_not_dumped,
    check_wrong_type_is_refused,
)

__all__ = ["ChatCompletionClientTests"]

_FINISH_REASONS = ("stop", "length", "function_calls", "content_filter", "unknown")


class ChatCompletionClientTests:
    """Conformance tests for a :class:`~agentparts.models.ChatCompletionClient`.

    Subclass it in a test module (the class name must start with ``Test``) and define a
    ``client`` fixture that returns a fresh client answering every request with text.
    Every test is an ``async def``: run them with pytest-asyncio (``asyncio_mode = "auto"``).

    Checked: ``create`` returns a valid :class:`~agentparts.models.CreateResult`;
    ``create_stream`` yields text chunks and then exactly one ``CreateResult``; usage is
    reported, also when streaming; a cancelled token cancels both calls; the client saves
    and loads back unchanged, never writes ``secret_values`` in plain text, and refuses
    invalid configs with an error naming the field; ``model_info`` and ``count_tokens``
    work.

    Attributes:
        allowed_providers: Provider prefixes to allow when loading the saved client
            (not needed when the package registers it as an entry point).
        secret_values: Secrets the client was given, which a default dump must not show.
        expect_usage: Whether the client reports token usage (some endpoints cannot).

    Example:
        >>> import pytest
        >>> from agentparts.models.replay import ReplayChatCompletionClient
        >>> class TestReplayClient(ChatCompletionClientTests):
        ...     @pytest.fixture
        ...     def client(self) -> ReplayChatCompletionClient:
        ...         return ReplayChatCompletionClient(["Hello there, how are you?"] * 3)
    """

    allowed_providers: ClassVar[tuple[str, ...]] = ()
    secret_values: ClassVar[tuple[str, ...]] = ()
    expect_usage: ClassVar[bool] = True

    def conformance_messages(self) -> list[LLMMessage]:
        """The conversation every test sends (override to suit the client)."""
        return [
            SystemMessage(content="You are a helpful assistant."),
            UserMessage(content="Say hello in five words.", source="user"),
        ]

    async def test_create_returns_a_create_result(self, client: ChatCompletionClient) -> None:
        """``create`` returns a ``CreateResult`` with a known finish reason and content."""
        async with client:
            result = await client.create(
                self.conformance_messages(), cancellation_token=CancellationToken()
            )
            assert isinstance(result, CreateResult), (
                f"create() returned {type(result).__name__}, not a CreateResult"
            )
            assert result.finish_reason in _FINISH_REASONS
            assert isinstance(result.usage, RequestUsage)
            assert result.content, "create() returned empty content"

    async def test_stream_ends_with_exactly_one_create_result(
        self, client: ChatCompletionClient
    ) -> None:
        """``create_stream`` yields text chunks, then exactly one final ``CreateResult``."""
        async with client:
            items: list[str | CreateResult] = []
            async for item in client.create_stream(
                self.conformance_messages(), cancellation_token=CancellationToken()
            ):
                items.append(item)
            results = [item for item in items if isinstance(item, CreateResult)]
            assert len(results) == 1, f"create_stream() yielded {len(results)} CreateResults, not 1"
            assert isinstance(items[-1], CreateResult), "the CreateResult must be the last item"
            chunks = items[:-1]
            bad = [type(c).__name__ for c in chunks if not isinstance(c, str)]
            assert not bad, (
                f"create_stream() yielded {bad} before the result; only str chunks allowed"
            )
            final = results[0]
            assert final.finish_reason in _FINISH_REASONS
            streamed = "".join(str(c) for c in chunks)
            assert streamed or final.content, "create_stream() produced no text at all"
            if streamed and isinstance(final.content, str) and final.content and not final.thought:
                assert final.content == streamed, (
                    "the final CreateResult's content differs from the streamed text"
                )

    async def test_usage_is_reported(self, client: ChatCompletionClient) -> None:
        """``create`` reports prompt and completion tokens; ``total_usage`` is exactly them."""
        async with client:
            if not self.expect_usage:
                pytest.skip("expect_usage is False")
            result = await client.create(
                self.conformance_messages(), cancellation_token=CancellationToken()
            )
            _check_usage(result.usage, "create()")
            _check_total(client, result.usage, "create()")

    async def test_usage_is_reported_when_streaming(self, client: ChatCompletionClient) -> None:
        """The final ``CreateResult`` of a stream reports usage, and ``total_usage`` counts it."""
        async with client:
            if not self.expect_usage:
                pytest.skip("expect_usage is False")
            final: Any = None
            async for item in client.create_stream(
                self.conformance_messages(), cancellation_token=CancellationToken()
            ):
                final = item
            assert isinstance(final, CreateResult)
            _check_usage(final.usage, "create_stream()")
            _check_total(client, final.usage, "create_stream()")

    async def test_cancelled_token_cancels_create(self, client: ChatCompletionClient) -> None:
        """A cancelled token makes ``create`` raise ``asyncio.CancelledError``."""
        async with client:
            token = CancellationToken()
            token.cancel()
            with pytest.raises(asyncio.CancelledError):
                await client.create(self.conformance_messages(), cancellation_token=token)

    async def test_cancelled_token_cancels_create_stream(
        self, client: ChatCompletionClient
    ) -> None:
        """A cancelled token makes ``create_stream`` raise ``asyncio.CancelledError``."""
        async with client:
            token = CancellationToken()
            token.cancel()
            with pytest.raises(asyncio.CancelledError):
                async for _ in client.create_stream(
                    self.conformance_messages(), cancellation_token=token
                ):
                    pass

    async def test_dump_load_round_trip(self, client: ChatCompletionClient) -> None:
        """The client saves, loads back as the same class, and saves the same again."""
        async with client:
            loaded = check_round_trip(client, ChatCompletionClient, self.allowed_providers)
            await loaded.close()

    def test_secrets_are_not_dumped(self, client: ChatCompletionClient) -> None:
        """A default dump shows none of ``secret_values``."""
        check_secrets_not_dumped(client, self.secret_values)

    def test_invalid_config_is_refused(self, client: ChatCompletionClient) -> None:
        """A config with an invalid value fails to load, naming the field."""
        check_bad_config_is_refused(client, self.allowed_providers)

    def test_loading_as_another_type_is_refused(self, client: ChatCompletionClient) -> None:
        """The saved client cannot be loaded where a code executor is expected."""
        check_wrong_type_is_refused(client, CodeExecutor, self.allowed_providers)

    def test_model_info_and_token_counting(self, client: ChatCompletionClient) -> None:
        """``model_info`` has every required key; ``count_tokens`` gives a positive int."""
        validate_model_info(client.model_info)
        capabilities = client.capabilities
        assert {"vision", "function_calling", "json_output"} <= set(capabilities)
        tokens = count_tokens_compat(client, self.conformance_messages())
        assert isinstance(tokens, int) and tokens > 0, f"count_tokens() gave {tokens!r}"
        assert isinstance(client.model, str) and client.model


def _check_total(client: ChatCompletionClient, usage: RequestUsage, call: str) -> None:
    # The fixture gives a fresh client: after one call, its total is that call's usage.
    total = client.total_usage()
    assert (total.prompt_tokens, total.completion_tokens) == (
        usage.prompt_tokens,
        usage.completion_tokens,
    ), f"total_usage() is {total} after one {call} that reported {usage} (a fresh client)"


def _check_usage(usage: RequestUsage, call: str) -> None:
    assert isinstance(usage, RequestUsage), f"{call} reported no RequestUsage"
    assert usage.prompt_tokens > 0, f"{call} reported {usage.prompt_tokens} prompt tokens"
    assert usage.completion_tokens > 0, (
        f"{call} reported {usage.completion_tokens} completion tokens"
    )
