"""How the console draws each kind of item: plain text, or rich in a terminal."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from ._console import RunSummary

__all__ = ["PlainRenderer", "Renderer", "RichRenderer", "format_arguments"]


def format_arguments(arguments: str) -> str:
    """Tool-call arguments as compact JSON (or as given, if they are not JSON)."""
    try:
        return json.dumps(json.loads(arguments), ensure_ascii=False)
    except (json.JSONDecodeError, TypeError):
        return arguments


def _usage_text(item: Any) -> str | None:
    usage = getattr(item, "models_usage", None)
    if usage is None:
        return None
    return f"[Prompt tokens: {usage.prompt_tokens}, Completion tokens: {usage.completion_tokens}]"


def summary_lines(summary: RunSummary) -> list[str]:
    """The final summary as lines of text."""
    lines = [
        f"Messages: {summary.messages}",
        f"Tool calls: {summary.tool_calls}",
        f"Tokens: {summary.prompt_tokens} prompt, {summary.completion_tokens} completion",
        f"Duration: {summary.duration:.2f} s",
    ]
    if len(summary.turns) > 1:  # a team: who spoke how often
        lines.append("Turns: " + ", ".join(f"{n} {c}" for n, c in summary.turns.items()))
    if summary.stop_reason:
        lines.append(f"Stop reason: {summary.stop_reason}")
    return lines


class Renderer(Protocol):
    """Draws the items of a run."""

    def message(self, item: Any, output_stats: bool) -> None:
        """A message or event with its text."""
        ...

    def stats(self, item: Any, output_stats: bool) -> None:
        """Only the usage line of an item whose text was already streamed."""
        ...

    def stream_start(self, source: str) -> None:
        """Streamed text of ``source`` begins."""
        ...

    def stream_chunk(self, text: str) -> None:
        """A piece of streamed text."""
        ...

    def stream_end(self) -> None:
        """The streamed text is complete."""
        ...

    def tool_calls(self, item: Any, output_stats: bool) -> None:
        """A ``ToolCallRequestEvent``."""
        ...

    def tool_results(self, item: Any) -> None:
        """A ``ToolCallExecutionEvent``."""
        ...

    def summary(self, summary: RunSummary) -> None:
        """The final summary."""
        ...


class PlainRenderer:
    """Plain text for logs and pipes: a header line per message, then its text."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def _print(self, text: str = "", end: str = "\n") -> None:
        self._out.write(text + end)
        self._out.flush()

    def _header(self, kind: str, source: str) -> None:
        self._print(f"---------- {kind} ({source}) ----------")

    def message(self, item: Any, output_stats: bool) -> None:
        self._header(type(item).__name__, getattr(item, "source", "?"))
        self._print(item.to_text())
        target = getattr(item, "target", None)
        if isinstance(target, str):
            self._print(f"-> handoff to {target}")
        self.stats(item, output_stats)

    def stats(self, item: Any, output_stats: bool) -> None:
        usage = _usage_text(item) if output_stats else None
        if usage:
            self._print(usage)

    def stream_start(self, source: str) -> None:
        self._header("streaming", source)

    def stream_chunk(self, text: str) -> None:
        self._print(text, end="")

    def stream_end(self) -> None:
        self._print()

    def tool_calls(self, item: Any, output_stats: bool) -> None:
        self._header("ToolCallRequestEvent", item.source)
        for call in item.content:
            self._print(f"-> {call.name}({format_arguments(call.arguments)})")
        self.stats(item, output_stats)

    def tool_results(self, item: Any) -> None:
        self._header("ToolCallExecutionEvent", item.source)
        for result in item.content:
            marker = "!! error" if result.is_error else "<-"
            self._print(f"{marker} {result.name}: {result.content}")

    def summary(self, summary: RunSummary) -> None:
        self._print("---------- Summary ----------")
        for line in summary_lines(summary):
            self._print(line)


class RichRenderer:
    """Colours and panels in a terminal, through rich (imported only here)."""

    def __init__(self, out: TextIO) -> None:
        from rich.console import Console as RichConsole

        self._console = RichConsole(file=out, highlight=False, soft_wrap=True)

    def message(self, item: Any, output_stats: bool) -> None:
        from rich.text import Text

        source = getattr(item, "source", "?")
        style = "bold cyan" if source == "user" else "bold green"
        self._console.print(
            Text(f"{source} ", style=style) + Text(type(item).__name__, style="dim")
        )
        self._console.print(Text(item.to_text()))
        target = getattr(item, "target", None)
        if isinstance(target, str):
            self._console.print(Text(f"→ handoff to {target}", style="bold magenta"))
        self.stats(item, output_stats)

    def stats(self, item: Any, output_stats: bool) -> None:
        usage = _usage_text(item) if output_stats else None
        if usage:
            from rich.text import Text

            self._console.print(Text(usage, style="dim"))

    def stream_start(self, source: str) -> None:
        from rich.text import Text

        self._console.print(Text(f"{source} ", style="bold green") + Text("streaming", style="dim"))

    def stream_chunk(self, text: str) -> None:
        self._console.print(text, end="", markup=False, highlight=False)
        self._console.file.flush()

    def stream_end(self) -> None:
        self._console.print()

    def tool_calls(self, item: Any, output_stats: bool) -> None:
        from rich.text import Text

        for call in item.content:
            line = Text("→ tool ", style="bold yellow") + Text(call.name, style="bold")
            line += Text(f"({format_arguments(call.arguments)})")
            self._console.print(line)
        self.stats(item, output_stats)

    def tool_results(self, item: Any) -> None:
        from rich.panel import Panel
        from rich.text import Text

        for result in item.content:
            colour = "red" if result.is_error else "blue"
            title = f"{result.name} {'failed' if result.is_error else 'result'}"
            self._console.print(
                Panel(Text(result.content), title=title, title_align="left", border_style=colour)
            )

    def summary(self, summary: RunSummary) -> None:
        from rich.rule import Rule
        from rich.text import Text

        self._console.print(Rule("Summary", style="dim"))
        self._console.print(Text("  ".join(summary_lines(summary)), style="dim"))
