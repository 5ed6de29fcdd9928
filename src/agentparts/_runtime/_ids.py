"""Addresses in the runtime: agent ids and types, topic ids, agent metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self, TypedDict

__all__ = ["AgentId", "AgentMetadata", "AgentType", "TopicId"]

_AGENT_TYPE = re.compile(r"^[\w\-\.]+\Z")
_TOPIC_TYPE = re.compile(r"^[\w\-\.\:\=]+\Z")


@dataclass(eq=True, frozen=True)
class AgentType:
    """The name an agent factory is registered under (``runtime.register_factory``).

    Attributes:
        type: The type's name.
    """

    type: str


class AgentId:
    """The address of one agent instance: its type (which factory makes it) and a key.

    Args:
        type: The agent type, a name of letters, digits, ``_``, ``-`` and ``.``.
        key: The instance key (any string); one agent exists per (type, key).

    Raises:
        ValueError: The type is not a valid name.

    Example:
        >>> AgentId("writer", "default")
        AgentId(type='writer', key='default')
        >>> str(AgentId.from_str("writer/session-1"))
        'writer/session-1'
    """

    __slots__ = ("_hash", "_key", "_type")

    def __init__(self, type: str | AgentType, key: str) -> None:
        if isinstance(type, AgentType):
            type = type.type
        if not _AGENT_TYPE.match(type):
            raise ValueError(
                f"Invalid agent type {type!r}: use letters, digits, '_', '-' and '.' only "
                r"(the pattern ^[\w\-\.]+\Z)."
            )
        self._type = type
        self._key = key
        self._hash = hash((type, key))

    @classmethod
    def from_str(cls, agent_id: str) -> Self:
        """The id written as ``type/key``.

        Raises:
            ValueError: The string has no ``/`` or an invalid type.
        """
        type_, sep, key = agent_id.partition("/")
        if not sep:
            raise ValueError(f"Invalid agent id {agent_id!r}: write it as 'type/key'.")
        return cls(type_, key)

    @property
    def type(self) -> str:
        """The agent type: which factory creates the agent."""
        return self._type

    @property
    def key(self) -> str:
        """The instance key."""
        return self._key

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, AgentId):
            return False
        return self._type == other._type and self._key == other._key

    def __str__(self) -> str:
        return f"{self._type}/{self._key}"

    def __repr__(self) -> str:
        return f"AgentId(type={self._type!r}, key={self._key!r})"

    def __reduce__(self) -> tuple[type[AgentId], tuple[str, str]]:
        return (AgentId, (self._type, self._key))


@dataclass(eq=True, frozen=True)
class TopicId:
    """The scope of a published message: a topic type and a source (CloudEvents' terms).

    Subscriptions match topic types; the source usually becomes the key of the receiving
    agent, so ``TopicId("chat", "session-1")`` reaches the ``session-1`` instance.

    Attributes:
        type: The topic type: letters, digits, ``_``, ``-``, ``.``, ``:`` and ``=``.
        source: The context the message belongs to.

    Raises:
        ValueError: The type is not valid.
    """

    type: str
    source: str

    def __post_init__(self) -> None:
        if not _TOPIC_TYPE.match(self.type):
            raise ValueError(
                f"Invalid topic type {self.type!r}: use letters, digits, '_', '-', '.', ':' "
                r"and '=' only (the pattern ^[\w\-\.\:\=]+\Z)."
            )

    def __str__(self) -> str:
        return f"{self.type}/{self.source}"

    @classmethod
    def from_str(cls, topic_id: str) -> Self:
        """The topic written as ``type/source``.

        Raises:
            ValueError: The string has no ``/`` or an invalid type.
        """
        type_, sep, source = topic_id.partition("/")
        if not sep:
            raise ValueError(f"Invalid topic id {topic_id!r}: write it as 'type/source'.")
        return cls(type_, source)


class AgentMetadata(TypedDict):
    """What the runtime tells about an agent: its type, key and description."""

    type: str
    key: str
    description: str
