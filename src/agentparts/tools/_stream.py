"""Streaming tools: ``StreamTool`` (the interface) and ``BaseStreamTool`` (the base class).

A streaming tool yields progress items while it runs and its return value last. Through
:class:`~agentparts.tools.StaticStreamWorkbench`, ``call_tool_stream`` hands the progress
items to the caller as they come, then the final :class:`~agentparts.tools.ToolResult`.
"""

from __future__ import annotations

import logging
import typing
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from .._cancellation_token import CancellationToken
from .._constants import EVENT_LOGGER_NAME
from ..errors import ToolArgumentsError, ToolError
from ..logging import ToolCallEvent, emit
from ._base import BaseTool, Tool, describe_validation_error, generic_args

__all__ = ["BaseStreamTool", "StreamTool"]

ArgsT = TypeVar("ArgsT", bound=BaseModel, contravariant=True)
StreamT = TypeVar("StreamT", covariant=True)
ReturnT = TypeVar("ReturnT", covariant=True)

_event_logger = logging.getLogger(EVENT_LOGGER_NAME)


@runtime_checkable
class StreamTool(Tool, Protocol):
    """A tool that can also run as a stream: progress items first, the return value last."""

    def run_json_stream(
        self,
        args: Mapping[str, Any],
        cancellation_token: CancellationToken,
        call_id: str | None = None,
    ) -> AsyncGenerator[Any, None]:
        """Validate ``args``, then yield the tool's items; the last one is its return value."""
        ...


class BaseStreamTool(BaseTool[ArgsT, ReturnT], StreamTool, ABC, Generic[ArgsT, StreamT, ReturnT]):
    """Base class of streaming tools: ``BaseStreamTool[Args, StreamItem, Return]``.

    Subclasses implement :meth:`run_stream`, an async generator that yields progress items
    and ends with the return value. :meth:`run` (used by ``run_json`` and by workbenches
    that do not stream) runs the stream and returns its last item, so a subclass does not
    need to write both (AutoGen requires both; one written there still works here).

    Args:
        args_type: The Pydantic model of the arguments (default: from the generic base).
        return_type: The type of the final item (default: from the generic base).
        name: The tool name (default: the class name).
        description: What the tool does (default: the class docstring).
        strict: Strict schema (see :class:`~agentparts.tools.BaseTool`).

    Example:
        >>> import asyncio
        >>> from pydantic import BaseModel
        >>> class CountArgs(BaseModel):
        ...     n: int
        >>> class Count(BaseStreamTool[CountArgs, str, int]):
        ...     '''Count up to n, reporting each step.'''
        ...     async def run_stream(self, args, cancellation_token):
        ...         for i in range(1, args.n + 1):
        ...             yield f"step {i}"
        ...         yield args.n
        >>> async def main():
        ...     return [x async for x in Count().run_json_stream({"n": 2}, CancellationToken())]
        >>> asyncio.run(main())
        ['step 1', 'step 2', 2]
    """

    def return_type(self) -> type[Any]:
        """The type of the final item (``object`` if unknown)."""
        found: type[Any] | None = vars(self).get("_return_type")
        if found is None:
            args = generic_args(type(self))
            # BaseStreamTool[Args, Stream, Return]: the return type is the third argument.
            arg = args[2] if _stream_generic(type(self)) else args[1]
            found = arg if isinstance(arg, type) else object
            vars(self)["_return_type"] = found
        return found

    @abstractmethod
    def run_stream(
        self, args: ArgsT, cancellation_token: CancellationToken
    ) -> AsyncGenerator[Any, None]:
        """Yield progress items, then the return value (the last item)."""

    async def run(self, args: ArgsT, cancellation_token: CancellationToken) -> ReturnT:
        """Run the stream to its end and return its last item.

        Raises:
            ToolError: the stream yielded nothing.
        """
        last: Any = _NOTHING
        async for item in self.run_stream(args, cancellation_token):
            last = item
        if last is _NOTHING:
            raise ToolError(
                f"Streaming tool {self.name!r} yielded nothing: it must end with its result."
            )
        return typing.cast(ReturnT, last)

    async def run_json_stream(
        self,
        args: Mapping[str, Any],
        cancellation_token: CancellationToken,
        call_id: str | None = None,
    ) -> AsyncGenerator[Any, None]:
        """Validate ``args`` and yield the items of :meth:`run_stream`, the return value last.

        Args:
            args: The arguments, as decoded from the model's JSON.
            cancellation_token: Cancels the run.
            call_id: The id of the model's tool call, for logging.

        Raises:
            ToolArgumentsError: the arguments do not match the schema.
            ToolError: the stream yielded nothing.
            TypeError: the last item is not of the declared return type (as AutoGen).
        """
        args_type = self.args_type()
        try:
            validated = args_type.model_validate(args)
        except ValidationError as exc:
            raise ToolArgumentsError(
                describe_validation_error(self.name, exc, args_type, strict=self.strict), exc
            ) from None
        last: Any = _NOTHING
        async for item in self.run_stream(typing.cast(ArgsT, validated), cancellation_token):
            last = item
            yield item
        if last is _NOTHING:
            raise ToolError(
                f"Streaming tool {self.name!r} yielded nothing: it must end with its result."
            )
        expected = self.return_type()
        if expected is not object and not isinstance(last, expected):
            raise TypeError(
                f"Streaming tool {self.name!r} must end with a {expected.__name__} (its return "
                f"type), but its last item was a {type(last).__name__}."
            )
        if _event_logger.isEnabledFor(logging.INFO):
            emit(
                ToolCallEvent(
                    tool_name=self.name,
                    call_id=call_id,
                    arguments=dict(args),
                    result=self.return_value_as_string(last),
                )
            )


_NOTHING: Any = object()


def _stream_generic(cls: type) -> bool:
    """Whether the nearest parametrized tool base of ``cls`` is ``BaseStreamTool[...]``."""
    for klass in cls.__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = typing.get_origin(base)
            if isinstance(origin, type) and issubclass(origin, BaseTool):
                args = typing.get_args(base)
                if args and not isinstance(args[0], TypeVar):
                    return issubclass(origin, BaseStreamTool)
    return False
