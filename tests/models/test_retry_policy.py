from __future__ import annotations

import email.utils
import time

import httpx

from agentparts.models._http import RetryPolicy, retry_after_seconds


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=5, initial_delay=0.5, max_delay=3.0)
    for attempt, full in enumerate([0.5, 1.0, 2.0, 3.0, 3.0]):
        delays = [policy.delay(attempt, None) for _ in range(50)]
        assert all(0.75 * full <= d <= full for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_retry_after_wins_when_reasonable() -> None:
    policy = RetryPolicy(initial_delay=0.5)
    assert policy.delay(0, 2.5) == 2.5
    assert policy.delay(0, 0) == 0
    assert policy.delay(0, 3600) <= 0.5  # absurd values fall back to backoff


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds(httpx.Headers({"retry-after": "3"})) == 3
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    assert retry_after_seconds(httpx.Headers({})) is None
    assert retry_after_seconds(httpx.Headers({"retry-after": "soon"})) is None
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (retry_after_seconds(httpx.Headers({"retry-after": date})) or 0) <= 31
