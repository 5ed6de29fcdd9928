"""A config model that tests/core/test_lazy.py names with ``imported_on_read``."""

from __future__ import annotations

from pydantic import BaseModel


class GreeterConfig(BaseModel):
    greeting: str = "hello"
