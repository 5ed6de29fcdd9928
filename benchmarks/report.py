"""Statistics and the Markdown report of a benchmark run (standard library only)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

IMPL_NAMES = {"raw": "raw", "agentparts": "agentparts", "autogen": "AutoGen"}


@dataclass(frozen=True)
class Target:
    """A speed target from an issue: a ratio to raw, or an absolute bound on agentparts."""

    kind: str  # "ratio" (agentparts/raw <= value), "autogen" (agentparts/AutoGen <= value)
    # or "below" (agentparts median < value)
    value: float
    source: str  # the issue that sets it

    def text(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"agentparts/raw ≤ {self.value:g}x ({self.source})"
        if self.kind == "autogen":
            return f"agentparts/AutoGen ≤ {self.value:.2g}x ({self.source})"
        return f"agentparts < {self.value:g} {unit} ({self.source})"


@dataclass(frozen=True)
class Row:
    """One line of the table: a metric of a scenario."""

    scenario: str
    metric: str
    label: str
    target: Target | None = None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Pool the samples of every round: ``{scenario: {impl: {status, metrics, ...}}}``."""
    table: dict[str, dict[str, Any]] = {}
    for result in results:
        entry = table.setdefault(result["scenario"], {}).setdefault(
            result["impl"],
            {"status": result["status"], "samples": {}, "units": {}, "info": [], "reasons": []},
        )
        if result["status"] != "ok":
            if entry["status"] == "ok" and entry["samples"]:
                entry["reasons"].append(result.get("reason", ""))  # one bad round of many
            else:
                entry["status"] = result["status"]
                entry["reasons"].append(result.get("reason", ""))
            continue
        entry["status"] = "ok"
        for name, data in result.get("metrics", {}).items():
            entry["samples"].setdefault(name, []).extend(data["samples"])
            entry["units"][name] = data["unit"]
        if result.get("info"):
            entry["info"].append(result["info"])
    for impls in table.values():
        for entry in impls.values():
            entry["stats"] = {
                name: {
                    "median": percentile(samples, 50),
                    "p90": percentile(samples, 90),
                    "n": len(samples),
                    "unit": entry["units"][name],
                }
                for name, samples in entry["samples"].items()
            }
    return table


def fmt_value(value: float, unit: str) -> str:
    """A value with a readable unit (ms shown as s or us when that reads better)."""
    if math.isnan(value):
        return "?"
    if unit == "ms" and value >= 1000:
        return f"{value / 1000:.2f} s"
    if unit == "ms" and value < 1:
        return f"{value * 1000:.0f} µs"
    if unit == "us":
        return f"{value:.1f} µs" if value < 100 else f"{value:.0f} µs"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f} {unit}"


def cell(table: dict[str, dict[str, Any]], row: Row, impl: str) -> tuple[str, float | None]:
    """The text of one implementation's cell and its median (None if not measured)."""
    entry = table.get(row.scenario, {}).get(impl)
    if entry is None:
        return "not run", None
    if entry["status"] == "not_measured":
        return "not measured", None
    if entry["status"] != "ok":
        return "error", None
    stats = entry["stats"].get(row.metric)
    if stats is None:
        return "—", None
    text = fmt_value(stats["median"], stats["unit"])
    if stats["n"] > 1:
        text += f" (p90 {fmt_value(stats['p90'], stats['unit'])})"
    return text, stats["median"]


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}x"


def verdict(row: Row, raw: float | None, ours: float | None, theirs: float | None = None) -> str:
    if row.target is None:
        return ""
    if ours is None:
        return "not measured"
    if row.target.kind == "autogen":
        if theirs is None:
            return "not measured"
        return "pass" if ours / theirs <= row.target.value else "**MISSED**"
    if row.target.kind == "ratio":
        if raw is None:
            return "not measured"
        return "pass" if ours / raw <= row.target.value else "**MISSED**"
    return "pass" if ours < row.target.value else "**MISSED**"


def markdown_table(table: dict[str, dict[str, Any]], rows: list[Row]) -> tuple[str, list[str]]:
    """The results table, and the labels of the rows whose target is missed."""
    lines = [
        "| scenario | raw | agentparts | AutoGen | agentparts/raw | AutoGen/raw | "
        "agentparts/AutoGen | target | result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    missed: list[str] = []
    for row in rows:
        raw_text, raw = cell(table, row, "raw")
        ours_text, ours = cell(table, row, "agentparts")
        theirs_text, theirs = cell(table, row, "autogen")
        unit = _unit(table, row)
        target = row.target.text(unit) if row.target else ""
        result = verdict(row, raw, ours, theirs)
        if result == "**MISSED**":
            missed.append(row.label)
        lines.append(
            f"| {row.label} | {raw_text} | {ours_text} | {theirs_text} | {ratio(ours, raw)} | "
            f"{ratio(theirs, raw)} | {ratio(ours, theirs)} | {target} | {result} |"
        )
    return "\n".join(lines), missed


def _unit(table: dict[str, dict[str, Any]], row: Row) -> str:
    for entry in table.get(row.scenario, {}).values():
        stats = entry.get("stats", {}).get(row.metric)
        if stats:
            return stats["unit"]
    return ""


def not_measured_notes(table: dict[str, dict[str, Any]]) -> list[str]:
    """One line per implementation that did not measure a scenario, with the reason."""
    notes: list[str] = []
    for scenario, impls in sorted(table.items()):
        for impl, entry in impls.items():
            if entry["status"] != "ok" or entry["reasons"]:
                reason = "; ".join(dict.fromkeys(r for r in entry["reasons"] if r)) or "?"
                status = entry["status"].replace("_", " ")
                if entry["status"] == "ok":
                    status = "some rounds failed"
                notes.append(f"- `{scenario}` / {IMPL_NAMES[impl]}: {status}: {reason}")
    return notes


def info_values(table: dict[str, dict[str, Any]], scenario: str, impl: str, key: str) -> list[Any]:
    """Every value of ``key`` in the info dicts one implementation reported for a scenario."""
    entry = table.get(scenario, {}).get(impl)
    if entry is None:
        return []
    values: list[Any] = []
    for info in entry["info"]:
        value = info.get(key)
        if isinstance(value, list):
            values.extend(value)  # pyright: ignore[reportUnknownArgumentType]
        elif value is not None:
            values.append(value)
    return values


@dataclass(frozen=True)
class MicroRow:
    """One micro comparison: a metric of agentparts' own part against a library's, both
    measured in the same process (``scenario`` runs every variant as ``agentparts``)."""

    scenario: str
    ours: str  # the metric of the hand-written part
    library: str  # the metric of what it replaces
    label: str  # what is compared, in Markdown


def micro_lines(table: dict[str, dict[str, Any]], rows: list[MicroRow]) -> list[str]:
    """One line per micro comparison: both medians and agentparts' time over the library's.

    Below 1.00x the hand-written part is faster. A comparison not run, or whose variant is
    missing (e.g. ``httpx-sse`` not installed), says so instead of a number.
    """
    lines: list[str] = []
    for row in rows:
        entry = table.get(row.scenario, {}).get("agentparts")
        if entry is None:
            lines.append(f"- {row.label}: not run")
            continue
        if entry["status"] != "ok":
            lines.append(f"- {row.label}: {entry['status'].replace('_', ' ')}")
            continue
        stats = entry["stats"]
        ours, library = stats.get(row.ours), stats.get(row.library)
        if ours is None or library is None:
            absent = row.ours if ours is None else row.library
            lines.append(f"- {row.label}: not measured (no `{absent}` variant in this run)")
            continue
        lines.append(
            f"- {row.label}: {fmt_value(ours['median'], ours['unit'])} vs "
            f"{fmt_value(library['median'], library['unit'])}, "
            f"**{ratio(ours['median'], library['median'])}**"
        )
    return lines
