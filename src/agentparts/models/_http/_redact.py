"""Keeping API keys out of error messages without garbling the messages."""

from __future__ import annotations

import re

__all__ = ["MIN_SECRET_LENGTH", "Redactor"]

MIN_SECRET_LENGTH = 8
"""Shorter values are not treated as keys: replacing every ``"k"`` of a message would
garble it ("Incorrect API ***ey provided") and hide nothing worth hiding."""

MASK = "***"

# A key-like token: a known key prefix not glued to a longer word, then 8+ key characters
# ('*' too: servers echo keys half-masked, e.g. "sk-abc*****xyz").
_KEY_LIKE = re.compile(r"(?<![A-Za-z0-9])(sk-|key-|Bearer\s+)[A-Za-z0-9_\-.*]{8,}")


class Redactor:
    """Replaces the client's secrets, and key-like tokens, in text meant for errors.

    Args:
        *secrets: The values to hide (e.g. the API key); None, empty and values shorter
            than :data:`MIN_SECRET_LENGTH` are ignored.

    Example:
        >>> Redactor("sk-0123456789")("Incorrect API key provided: sk-0123456789.")
        'Incorrect API key provided: ***.'
        >>> Redactor("k")("Incorrect API key provided: k.")
        'Incorrect API key provided: k.'
    """

    __slots__ = ("_secrets",)

    def __init__(self, *secrets: str | None) -> None:
        found = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        # Longest first, so a secret that contains another one is replaced whole.
        self._secrets = tuple(sorted(found, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        """``text`` with every secret and key-like token replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _KEY_LIKE.sub(lambda match: match.group(1) + MASK, text)
