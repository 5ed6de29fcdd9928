"""What a team participant needs to live in another process (a Ray actor).

Two things cross the process boundary: the protocol messages between the team and its
participants, and the factory that makes the participant's agent. The messages travel as
JSON, each chat message or event as its ``dump()`` (with its ``type``), rebuilt on the
other side by the team's :class:`MessageFactory`, so custom message types work too. The
factory travels as the agent's component config (secrets included) and builds a fresh
agent from it in the actor; an agent that has no config travels pickled, if it can.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, cast

from ..._runtime import JSON_DATA_CONTENT_TYPE, MessageSerializer
from ...base import ChatAgent, Response, TaskResult, Team
from ...messages import BaseAgentEvent, BaseChatMessage, MessageFactory

__all__ = ["GroupChatMessageSerializer", "ParticipantFactory"]

T = TypeVar("T")
W = TypeVar("W")

_MESSAGE = "$message"
_RESPONSE = "$response"
_TASK_RESULT = "$task_result"
_MAPPING = "$mapping"


class GroupChatMessageSerializer(MessageSerializer[T], Generic[T]):
    """JSON for a group-chat protocol dataclass whose fields hold chat messages and events.

    A field may hold chat messages, events, :class:`Response`, :class:`TaskResult`, lists
    and mappings of those, and plain JSON values.

    Args:
        cls: The protocol dataclass.
        factory: Rebuilds the messages (the team's, with its custom message types).

    Raises:
        TypeError: ``cls`` is not a dataclass.
    """

    def __init__(self, cls: type[T], factory: MessageFactory) -> None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"GroupChatMessageSerializer needs a dataclass, not {cls!r}.")
        self.cls = cls
        self.factory = factory

    @property
    def data_content_type(self) -> str:
        """:data:`JSON_DATA_CONTENT_TYPE`."""
        return JSON_DATA_CONTENT_TYPE

    @property
    def type_name(self) -> str:
        """The dataclass's name."""
        return self.cls.__name__

    def serialize(self, message: T) -> bytes:
        """The dataclass's fields as JSON, each message as its ``dump()``.

        Raises:
            ValueError: A field holds something that is neither a message nor JSON.
        """
        fields = dataclasses.fields(cast(Any, message))
        data = {f.name: _encode(getattr(message, f.name), f.name) for f in fields}
        return json.dumps(data).encode()

    def deserialize(self, payload: bytes) -> T:
        """The dataclass rebuilt from :meth:`serialize`'s JSON.

        Raises:
            ValueError: A message's type is not registered in the team's factory.
        """
        data: dict[str, Any] = json.loads(payload)
        return self.cls(**{name: self._decode(value) for name, value in data.items()})

    def _decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._decode(v) for v in cast(list[Any], value)]
        if not isinstance(value, dict):
            return value
        tagged = cast(dict[str, Any], value)
        if _MESSAGE in tagged:
            return self.factory.create(tagged[_MESSAGE])
        if _RESPONSE in tagged:
            response = tagged[_RESPONSE]
            inner = response["inner_messages"]
            return Response(
                chat_message=cast(BaseChatMessage, self.factory.create(response["chat_message"])),
                inner_messages=None if inner is None else [self.factory.create(m) for m in inner],
                stop_reason=response["stop_reason"],
            )
        if _TASK_RESULT in tagged:
            result = tagged[_TASK_RESULT]
            return TaskResult(
                messages=[self.factory.create(m) for m in result["messages"]],
                stop_reason=result["stop_reason"],
            )
        return {k: self._decode(v) for k, v in tagged[_MAPPING].items()}


def _dump(message: BaseChatMessage | BaseAgentEvent) -> dict[str, Any]:
    """The message's ``dump()``, with its ``type`` (a custom class may not declare one)."""
    data = dict(message.dump())
    data.setdefault("type", type(message).__name__)
    return data


def _encode(value: Any, where: str) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, BaseChatMessage | BaseAgentEvent):
        return {_MESSAGE: _dump(value)}
    if isinstance(value, Response):
        inner = value.inner_messages
        return {_RESPONSE: {
            "chat_message": _dump(value.chat_message),
            "inner_messages": None if inner is None else [_dump(m) for m in inner],
            "stop_reason": value.stop_reason,
        }}  # fmt: skip
    if isinstance(value, TaskResult):
        return {_TASK_RESULT: {
            "messages": [_dump(m) for m in value.messages],
            "stop_reason": value.stop_reason,
        }}  # fmt: skip
    if isinstance(value, list | tuple):
        return [_encode(v, where) for v in cast(list[Any], value)]
    if isinstance(value, Mapping):
        items = cast(Mapping[Any, Any], value).items()
        return {_MAPPING: {str(k): _encode(v, where) for k, v in items}}
    raise ValueError(
        f"Field {where!r} holds a value of type {type(value).__name__}, which cannot travel to "
        "another process: team protocol messages carry chat messages, events, Response, "
        "TaskResult and JSON values."
    )


class ParticipantFactory(Generic[W]):
    """Makes a participant's runtime agent: ``wrapper(agent, factory)``.

    In this process it wraps the live agent. Sent to another process (pickled, as Ray
    does with factories), it carries the agent's component config instead, secrets
    included, and builds a fresh agent from it there, so clients with connections and
    locks (an OpenAI client) need not be picklable. An agent with no component config is
    pickled as it is (the runtime then says if it cannot be).

    Args:
        wrapper: The runtime agent class (``ParticipantAgent``).
        agent: The chat agent or inner team (None when built from a config).
        factory: Recreates messages (the team's, with its custom types).
        config: The agent's component config (when built in another process).
    """

    def __init__(
        self,
        wrapper: Callable[[ChatAgent | Team, MessageFactory], W],
        agent: ChatAgent | Team | None,
        factory: MessageFactory,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self._wrapper = wrapper
        self._agent = agent
        self._factory = factory
        self._config = config

    def __call__(self) -> W:
        """The runtime agent around the live agent, or around one built from its config."""
        agent = self._agent
        if agent is None:
            from ..._component import ComponentLoader

            # The config was dumped from the driver's own live agent: a trusted load.
            agent = cast(ChatAgent | Team, ComponentLoader.load_component(dict(self._config or {})))
        return self._wrapper(agent, self._factory)

    def __reduce__(self) -> tuple[Any, ...]:
        agent = self._agent
        if agent is None:
            return (ParticipantFactory, (self._wrapper, None, self._factory, self._config))
        try:
            config = agent.dump_component(include_secrets=True).model_dump()
        except Exception:  # no component config: the live agent itself travels, if it pickles
            return (ParticipantFactory, (self._wrapper, agent, self._factory, None))
        return (ParticipantFactory, (self._wrapper, None, self._factory, config))
