"""Input limits for configs: file size, nesting depth, value count, YAML anchors and aliases.

Every config that ``load_component`` reads from a file, or receives as a dict, passes these
checks before Pydantic or any component sees it, so a hostile or broken config fails in
milliseconds with a :class:`~agentparts.errors.ConfigLimitError` that names the limit, its
value and the environment variable that raises it:

========================  ==============================  ============
limit                     environment variable            default
========================  ==============================  ============
file size                 ``AGENTPARTS_MAX_CONFIG_BYTES``  8 MiB
nesting depth             ``AGENTPARTS_MAX_CONFIG_DEPTH``  100 levels
values (expanded)         ``AGENTPARTS_MAX_CONFIG_NODES``  1,000,000
========================  ==============================  ============

YAML anchors and aliases (``&name``, ``*name``) are refused outright: a few hundred bytes
of them expand to billions of values (the "billion laughs"), and AutoGen configs never use
them. The defaults leave wide room for real configs: an AutoGen Studio gallery is about
100 KB, a few thousand values and some 10 to 30 levels deep.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ComponentConfigError, ConfigLimitError

__all__ = [
    "DEFAULT_MAX_CONFIG_BYTES",
    "DEFAULT_MAX_CONFIG_DEPTH",
    "DEFAULT_MAX_CONFIG_NODES",
    "MAX_CONFIG_BYTES_ENV_VAR",
    "MAX_CONFIG_DEPTH_ENV_VAR",
    "MAX_CONFIG_NODES_ENV_VAR",
    "ConfigLimits",
    "check_structure",
    "current_limits",
    "load_yaml",
    "parse_depth_error",
    "read_limited",
]

MAX_CONFIG_BYTES_ENV_VAR = "AGENTPARTS_MAX_CONFIG_BYTES"
MAX_CONFIG_DEPTH_ENV_VAR = "AGENTPARTS_MAX_CONFIG_DEPTH"
MAX_CONFIG_NODES_ENV_VAR = "AGENTPARTS_MAX_CONFIG_NODES"
DEFAULT_MAX_CONFIG_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_CONFIG_DEPTH = 100
DEFAULT_MAX_CONFIG_NODES = 1_000_000


@dataclass(frozen=True)
class ConfigLimits:
    """The input limits in force for one load.

    Attributes:
        max_bytes: Largest config file read, in bytes.
        max_depth: Deepest nesting of mappings and lists (the outermost mapping is level 1).
        max_nodes: Most values in the config, counting a shared value once per place it
            appears (so a dict that repeats one sub-dict a million times is a million).
    """

    max_bytes: int = DEFAULT_MAX_CONFIG_BYTES
    max_depth: int = DEFAULT_MAX_CONFIG_DEPTH
    max_nodes: int = DEFAULT_MAX_CONFIG_NODES


def current_limits() -> ConfigLimits:
    """The limits in force: the defaults, raised or lowered by the environment variables.

    Raises:
        ConfigLimitError: a limit variable is set to something other than a positive integer.
    """
    return ConfigLimits(
        max_bytes=_from_env(MAX_CONFIG_BYTES_ENV_VAR, DEFAULT_MAX_CONFIG_BYTES),
        max_depth=_from_env(MAX_CONFIG_DEPTH_ENV_VAR, DEFAULT_MAX_CONFIG_DEPTH),
        max_nodes=_from_env(MAX_CONFIG_NODES_ENV_VAR, DEFAULT_MAX_CONFIG_NODES),
    )


def _from_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    raise ConfigLimitError(
        f"{name}={os.environ[name]!r} is not a positive whole number. Set it to a number such "
        f"as {default} (the default), or unset it."
    )


def read_limited(path: Path, limits: ConfigLimits) -> str:
    """The text of the config file ``path``, read only up to the size limit.

    Raises:
        ConfigLimitError: the file is larger than ``limits.max_bytes``.
        ComponentConfigError: the file is missing, unreadable or not UTF-8 text.
    """
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise ComponentConfigError(f"Config file {path} does not exist.") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ComponentConfigError(f"Config file {path} cannot be read: {reason}.") from None
    if len(data) > limits.max_bytes:
        raise ConfigLimitError(
            f"Config file {path} is larger than the limit of {limits.max_bytes:,} bytes "
            f"(max config size). If you trust it, raise the limit with "
            f"{MAX_CONFIG_BYTES_ENV_VAR}=<bytes>."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ComponentConfigError(
            f"Config file {path} is not UTF-8 text: byte {data[exc.start]:#04x} at offset "
            f"{exc.start} cannot be decoded. Save the file as UTF-8."
        ) from None


def load_yaml(text: str, source: str, limits: ConfigLimits) -> Any:
    """Parse YAML safely: plain data only, no anchors or aliases, nesting depth capped.

    The events are checked first (with libyaml when PyYAML has it, so that even a
    pathological file is refused in milliseconds), then the document is built.

    Raises:
        ConfigLimitError: an anchor or alias, or nesting deeper than ``limits.max_depth``.
        ComponentConfigError: the text is not valid YAML.
    """
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    try:
        events = typing.cast("Iterable[object]", yaml.parse(text, Loader=loader))  # pyright: ignore[reportUnknownMemberType]
        _check_yaml_events(events, source, limits)
        if limits.max_depth > _MAX_C_YAML_DEPTH:
            loader = yaml.SafeLoader  # deep documents recurse in Python, where it is caught
        return yaml.load(text, Loader=loader)  # a SafeLoader: plain data only
    except yaml.YAMLError as exc:
        raise ComponentConfigError(f"{source} is not valid YAML: {exc}") from None


# libyaml composes documents recursively in C; beyond this depth use PyYAML's Python composer.
_MAX_C_YAML_DEPTH = 1000


def _check_yaml_events(events: Iterable[object], source: str, limits: ConfigLimits) -> None:
    import yaml

    depth = 0
    for event in events:
        is_alias = isinstance(event, yaml.AliasEvent)
        if is_alias or getattr(event, "anchor", None) is not None:
            kind = "an alias" if is_alias else "an anchor"
            raise ConfigLimitError(
                f"{source} uses {kind} ({_mark(event)}). YAML anchors and aliases are "
                "refused: a few hundred bytes of them can expand to billions of values. "
                "Write the repeated value out in full (or use JSON). This limit cannot be "
                "raised."
            )
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > limits.max_depth:
                raise _too_deep(f"{source} ({_mark(event)})", limits.max_depth)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


def _mark(event: object) -> str:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return "position unknown"
    return f"line {mark.line + 1}, column {mark.column + 1}"


def check_structure(data: object, source: str, limits: ConfigLimits) -> None:
    """Check the nesting depth and value count of ``data`` without recursion.

    A value shared by several places (as YAML aliases or a Python dict that repeats one
    object make) is walked once and counted once per place, so a shared-value bomb is
    refused in time proportional to its distinct values, not to its expansion.

    Raises:
        ConfigLimitError: deeper than ``limits.max_depth`` or more values than
            ``limits.max_nodes``.
        ComponentConfigError: the data contains itself (a cycle).
    """
    if _children(data) is None:
        return
    # A tree (what JSON and alias-free YAML give) is walked once, each container visited
    # once; the first container met twice hands over to the walk for shared values.
    seen = {id(data)}
    stack: list[tuple[object, int]] = [(data, 1)]
    total = 1
    while stack:
        value, depth = stack.pop()
        if depth > limits.max_depth:
            raise _too_deep(source, limits.max_depth)
        children: Iterable[object] = (
            typing.cast("dict[Any, Any]", value).values()
            if isinstance(value, dict)
            else typing.cast("list[Any]", value)
        )
        for child in children:
            total += 1
            if isinstance(child, _CONTAINERS):
                if id(child) in seen:
                    _check_shared(data, source, limits)
                    return
                seen.add(id(child))
                stack.append((child, depth + 1))
        if total > limits.max_nodes:
            raise _too_many(source, limits.max_nodes)


def _check_shared(data: object, source: str, limits: ConfigLimits) -> None:
    """The walk for data that shares values: each distinct container is walked once and
    remembers how many values it expands to and how deep it goes."""
    root_children = _children(data)
    if root_children is None:
        return
    # Per finished container: (values it expands to, levels below and including it).
    done: dict[int, tuple[int, int]] = {}
    # Per open container: [container, children left, values so far, deepest child].
    stack: list[list[Any]] = [[data, root_children, 1, 0]]
    open_ids = {id(data)}
    total = 1
    while stack:
        frame = stack[-1]
        child = next(frame[1], _END)
        if child is _END:
            stack.pop()
            open_ids.discard(id(frame[0]))
            done[id(frame[0])] = (frame[2], frame[3] + 1)
            if stack:
                parent = stack[-1]
                parent[2] += frame[2]
                parent[3] = max(parent[3], frame[3] + 1)
            continue
        grandchildren = _children(child)
        if grandchildren is None:
            frame[2] += 1
            total += 1
        elif id(child) in done:
            size, height = done[id(child)]
            frame[2] += size
            frame[3] = max(frame[3], height)
            total += size
            if len(stack) + height > limits.max_depth:
                raise _too_deep(source, limits.max_depth)
        elif id(child) in open_ids:
            raise ComponentConfigError(
                f"{source} contains itself (a mapping or list inside its own value): a config "
                "must be a tree of plain values."
            )
        else:
            if len(stack) + 1 > limits.max_depth:
                raise _too_deep(source, limits.max_depth)
            stack.append([child, grandchildren, 1, 0])
            open_ids.add(id(child))
            total += 1
        if total > limits.max_nodes:
            raise _too_many(source, limits.max_nodes)


_END = object()
_CONTAINERS: tuple[type, ...] = (dict, list, tuple)


def _children(value: object) -> Iterator[Any] | None:
    if isinstance(value, dict):
        mapping = typing.cast("dict[Any, Any]", value)
        return iter(mapping.values())
    if isinstance(value, list | tuple):
        return iter(typing.cast("list[Any] | tuple[Any, ...]", value))
    return None


def _too_many(source: str, max_nodes: int) -> ConfigLimitError:
    return ConfigLimitError(
        f"{source} holds more than the limit of {max_nodes:,} values (max config values; a "
        "value shared by several places counts once per place). If you trust it, raise the "
        f"limit with {MAX_CONFIG_NODES_ENV_VAR}=<count>."
    )


def _too_deep(source: str, max_depth: int) -> ConfigLimitError:
    return ConfigLimitError(
        f"{source} nests mappings and lists more than {max_depth} levels deep (max config "
        f"depth is {max_depth}). If you trust it, raise the limit with "
        f"{MAX_CONFIG_DEPTH_ENV_VAR}=<levels>."
    )


def parse_depth_error(source: str, limits: ConfigLimits) -> ConfigLimitError:
    """The error for a parser that ran out of Python stack (``RecursionError``) on ``source``."""
    return ConfigLimitError(
        f"{source} nests too deeply to parse (Python's recursion limit was reached; the max "
        f"config depth is {limits.max_depth}). If you trust it, raise the limit with "
        f"{MAX_CONFIG_DEPTH_ENV_VAR}=<levels> (very deep configs may still not parse)."
    )
