"""Split reasoning wrapped in ``<think>...</think>`` tags from the answer text."""

from __future__ import annotations

__all__ = ["ThinkSplitter", "split_think"]

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that begins ``tag`` (a tag cut by a chunk)."""
    for size in range(min(len(text), len(tag) - 1), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


class ThinkSplitter:
    """Routes streamed text to the answer or to the thought, tags split across chunks too.

    Example:
        >>> s = ThinkSplitter()
        >>> s.feed("<thi") + s.feed("nk>plan</think>\\n\\nHello") + s.flush()
        'Hello'
        >>> s.thought
        'plan'
    """

    __slots__ = ("_in_think", "_pending", "_strip_next", "_thought")

    def __init__(self) -> None:
        self._in_think = False
        self._pending = ""
        self._strip_next = False
        self._thought: list[str] = []

    def feed(self, text: str) -> str:
        """Take the next chunk; return the answer text that can be shown now."""
        if not self._pending and not self._in_think and "<" not in text:
            return self._emit(text)  # the common case: no tag anywhere near
        buffer = self._pending + text
        self._pending = ""
        out: list[str] = []
        while buffer:
            if self._in_think:
                end = buffer.find(CLOSE_TAG)
                if end < 0:
                    keep = _partial_suffix(buffer, CLOSE_TAG)
                    self._thought.append(buffer[: len(buffer) - keep])
                    self._pending = buffer[len(buffer) - keep :]
                    break
                self._thought.append(buffer[:end])
                buffer = buffer[end + len(CLOSE_TAG) :]
                self._in_think = False
                self._strip_next = True
            else:
                start = buffer.find(OPEN_TAG)
                if start < 0:
                    keep = _partial_suffix(buffer, OPEN_TAG)
                    out.append(self._emit(buffer[: len(buffer) - keep]))
                    self._pending = buffer[len(buffer) - keep :]
                    break
                out.append(self._emit(buffer[:start]))
                buffer = buffer[start + len(OPEN_TAG) :]
                self._in_think = True
        return "".join(out)

    def flush(self) -> str:
        """End of stream: return any held-back answer text (an unclosed think is thought)."""
        pending, self._pending = self._pending, ""
        if self._in_think:
            self._thought.append(pending)
            return ""
        return self._emit(pending)

    def _emit(self, text: str) -> str:
        if self._strip_next:
            text = text.lstrip()
            if text:
                self._strip_next = False
        return text

    @property
    def thought(self) -> str | None:
        """The reasoning seen so far, or None if there was none."""
        text = "".join(self._thought).strip()
        return text or None


def split_think(text: str) -> tuple[str, str | None]:
    """Split a whole answer into ``(answer, thought)``.

    Handles a missing opening tag too (chat templates that put ``<think>`` in the prompt
    make the model start with its reasoning and only close the tag).

    Example:
        >>> split_think("<think>hmm</think> 42")
        ('42', 'hmm')
        >>> split_think("hmm</think>42")
        ('42', 'hmm')
    """
    if "<think>" not in text and "</think>" not in text:
        return text, None
    end = text.find(CLOSE_TAG)
    start = text.find(OPEN_TAG)
    if end >= 0 and (start < 0 or end < start):
        head = text[:end].strip()
        rest, thought = split_think(text[end + len(CLOSE_TAG) :].lstrip())
        joined = "\n".join(t for t in (head, thought) if t)
        return rest, joined or None
    splitter = ThinkSplitter()
    answer = splitter.feed(text) + splitter.flush()
    return answer, splitter.thought
