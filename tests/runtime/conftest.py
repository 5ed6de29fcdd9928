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

RUNTIMES = [
    pytest.param("single_threaded", id="single_threaded"),
    pytest.param("ray", id="ray", marks=pytest.mark.slow),
]


def _make_single_threaded(**kwargs: Any) -> AgentRuntime:
    return SingleThreadedAgentRuntime(**kwargs)


def _make_ray(**kwargs: Any) -> AgentRuntime:
    from agentparts.runtimes.ray import RayAgentRuntime

    return RayAgentRuntime(**kwargs)


MAKERS: dict[str, RuntimeMaker] = {"single_threaded": _make_single_threaded, "ray": _make_ray}


@pytest.fixture(scope="session")
def ray_instance() -> Iterator[None]:
    """One local Ray instance for the whole session (starting one takes many seconds)."""
    ray = pytest.importorskip("ray")
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(include_dashboard=False, log_to_driver=False, num_cpus=4)
        except Exception:  # the raylet has 30 s to start: a busy machine can miss that once
            ray.shutdown()
            ray.init(include_dashboard=False, log_to_driver=False, num_cpus=4)
    yield
    if started:
        ray.shutdown()


@pytest.fixture(params=RUNTIMES)
def runtime_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "ray":
        request.getfixturevalue("ray_instance")
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
