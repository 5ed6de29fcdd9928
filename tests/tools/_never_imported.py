"""Imported only when a test allows it explicitly (safe-loading checks)."""

from __future__ import annotations


def shout(text: str) -> str:
    """Upper-case the text."""
    return text.upper()
