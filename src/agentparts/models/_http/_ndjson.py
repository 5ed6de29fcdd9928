"""Reading a newline-delimited JSON stream (Ollama's) within its time and size limits."""

from __future__ import annotations

from ._sse import EventStream

__all__ = ["NdjsonStream"]


class NdjsonStream(EventStream):
    """A streamed answer of one JSON document per line, read within the stream's limits.

    The same limits and errors as :class:`EventStream`; :meth:`data` yields each
    non-empty line (one JSON document, not yet decoded).
    """

    __slots__ = ()

    def _payload(self, line: bytes) -> bytes | None:
        line = line.strip()
        return line or None
