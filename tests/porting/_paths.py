"""Whether a dotted path names something that exists in this interpreter."""

from __future__ import annotations

import importlib


def object_exists(path: str) -> bool:
    """``a.b.C.d``: the longest importable module prefix, then each attribute in turn."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False
