"""Random ids for messages and agents."""

from __future__ import annotations

import os

__all__ = ["new_uuid4"]

# Version 4 and the RFC 4122 variant: clear the 4 version and 2 variant bits, then set them.
_KEEP = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)


def new_uuid4() -> str:
    """A random UUID (version 4) as its canonical 36-character string.

    Equal in kind to ``str(uuid.uuid4())`` (16 bytes from ``os.urandom``), in half the
    time: ``uuid.UUID`` checks its arguments on every call, and every message takes an id.
    """
    n = (int.from_bytes(os.urandom(16), "big") & _KEEP) | _SET
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
