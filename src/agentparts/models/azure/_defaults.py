"""The Azure AI client's default endpoint values, apart so its config modules need no httpx."""

from __future__ import annotations

__all__ = ["DEFAULT_API_VERSION", "GITHUB_MODELS_ENDPOINT"]

GITHUB_MODELS_ENDPOINT = "https://models.github.ai/inference"
DEFAULT_API_VERSION = "2024-05-01-preview"
