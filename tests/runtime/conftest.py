"""The runtime behaviour suite runs against every runtime: ``runtime`` builds one of each kind.

A runtime of another kind joins the suite by adding a case to ``RUNTIMES``; tests that
only make sense in one process (they look inside agent objects) use ``in_process``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from agentparts import EVENT_LOGGER_NAME, AgentRuntime, SingleThreadedAgentRuntime

RuntimeMaker = Callable[..., AgentRuntime]

RUNTIMES = [pytest.param("single_threaded", id="single_threaded")]


def _make_single_threaded(**kwargs: Any) -> AgentRuntime:
    return SingleThreadedAgentRuntime(**kwargs)


MAKERS: dict[str, RuntimeMaker] = {"single_threaded": _make_single_threaded}


@pytest.fixture(params=RUNTIMES)
def runtime_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_runtime(runtime_kind: str) -> AsyncIterator[RuntimeMaker]:
    """Makes runtimes of this test's kind; each is closed at the end of the test."""
    made: list[Any] = []

    def make(**kwargs: Any) -> AgentRuntime:
        runtime = MAKERS[runtime_kind](**kwargs)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        await runtime.close()


@pytest.fixture
async def runtime(make_runtime: RuntimeMaker) -> AgentRuntime:
    """A runtime with default settings, not started."""
    return make_runtime()


@pytest.fixture
def in_process(runtime_kind: str) -> None:
    """Skip unless the agents live in the test's own process."""
    if runtime_kind != "single_threaded":
        pytest.skip("looks inside agent objects: only for the in-process runtime")


class EventLog(logging.Handler):
    """Collects the events logged on the event logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.events: list[Any] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(record.msg)

    def of_type(self, name: str) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.events if getattr(e, "type", None) == name]


@pytest.fixture
def events() -> Iterator[EventLog]:
    logger = logging.getLogger(EVENT_LOGGER_NAME)
    handler = EventLog()
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
