"""The environment executed code gets: an allowlist, never secrets by accident."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping, Sequence

__all__ = ["DEFAULT_ENV_ALLOWLIST", "looks_secret", "scrubbed_env"]

DEFAULT_ENV_ALLOWLIST: tuple[str, ...] = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "LC_*",
    "TZ",
    "TERM",
    "TMPDIR",
    "TEMP",
    "TMP",
    "PYTHONIOENCODING",
    "SYSTEMROOT",
)
"""Variables passed to executed code by default (``*`` patterns allowed)."""

_SECRET_WORDS = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|SESSION|COOKIE", re.IGNORECASE)


def looks_secret(name: str) -> bool:
    """Whether a variable name looks like it holds a secret (``OPENAI_API_KEY``, ...)."""
    return _SECRET_WORDS.search(name) is not None


def scrubbed_env(
    allowlist: Sequence[str] = DEFAULT_ENV_ALLOWLIST,
    extra: Mapping[str, str] | None = None,
    source: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The variables of ``source`` (default ``os.environ``) that ``allowlist`` allows, plus ``extra``.

    A pattern (``LC_*``) never lets through a name that looks like a secret; an exact name
    does, because naming it is explicit. ``extra`` is added as given.
    """
    source = os.environ if source is None else source
    exact = {p for p in allowlist if not any(c in p for c in "*?[")}
    patterns = [p for p in allowlist if p not in exact]
    env: dict[str, str] = {}
    for name, value in source.items():
        if name in exact or (
            not looks_secret(name) and any(fnmatch.fnmatchcase(name, p) for p in patterns)
        ):
            env[name] = value
    env.update(extra or {})
    return env
