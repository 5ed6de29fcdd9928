"""Message contents as text: ``content_to_str`` and ``remove_images``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from .._image import Image

if TYPE_CHECKING:
    from ..models import LLMMessage

__all__ = ["IMAGE_PLACEHOLDER", "content_to_str", "remove_images"]

IMAGE_PLACEHOLDER = "<image>"
"""What :func:`content_to_str` writes in place of an image."""


def content_to_str(content: str | BaseModel | Iterable[object]) -> str:
    """The content of a model message as one text, the way AutoGen's function writes it.

    Text stays as it is; a Pydantic model (structured content) becomes its JSON; a list
    becomes its parts one per line: text as it is, each image as ``<image>``, anything
    else (tool calls, tool results) as ``str()`` of it.

    Args:
        content: The ``content`` of a :class:`~agentparts.models.UserMessage`,
            :class:`~agentparts.models.AssistantMessage`,
            :class:`~agentparts.models.SystemMessage` or
            :class:`~agentparts.models.FunctionExecutionResultMessage`.

    Example:
        >>> from agentparts import FunctionCall
        >>> content_to_str(["Look:", FunctionCall(id="1", arguments="{}", name="now")])
        "Look:\\nFunctionCall(id='1', arguments='{}', name='now')"
    """
    if isinstance(content, str):
        return content
    if isinstance(content, BaseModel):
        return content.model_dump_json()
    return "\n".join(_part_to_str(part) for part in content)


def _part_to_str(part: object) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Image):
        return IMAGE_PLACEHOLDER
    return str(part)


def remove_images(messages: Sequence[LLMMessage]) -> list[LLMMessage]:
    """``messages`` for a model without vision: each user message whose content is a list
    (text and images) becomes one text, images written as ``<image>``; every other message
    is kept as it is (the same object).

    Example:
        >>> from agentparts.models import SystemMessage, UserMessage
        >>> remove_images([SystemMessage(content="Be brief."), UserMessage(content=["a", "b"])])
        [SystemMessage(content='Be brief.', type='SystemMessage'), UserMessage(content='a\\nb', source='user', type='UserMessage')]
    """
    from ..models import UserMessage

    kept: list[LLMMessage] = []
    for message in messages:
        if isinstance(message, UserMessage) and isinstance(message.content, list):
            text = content_to_str(message.content)
            kept.append(UserMessage(content=text, source=message.source))
        else:
            kept.append(message)
    return kept
