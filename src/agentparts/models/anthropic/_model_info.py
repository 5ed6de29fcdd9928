"""What current Claude models can do, and how many tokens they may answer with."""

from __future__ import annotations

from ...errors import ModelInfoRequiredError
from .._model_info import ModelFamily, ModelInfo, validate_model_info

__all__ = ["KNOWN_MODELS", "default_max_tokens", "lookup_model", "resolve_model_info"]

DEFAULT_MAX_TOKENS_CAP = 8192
"""The default ``max_tokens`` is the model's output limit, at most this many tokens."""


def _info(family: str, *, vision: bool = True) -> ModelInfo:
    return ModelInfo(
        vision=vision,
        function_calling=True,
        json_output=True,
        family=family,
        structured_output=True,
        multiple_system_messages=True,  # merged into the one system prompt
        context_window=200_000,
    )


# name prefix -> (model info, the most output tokens the model allows)
KNOWN_MODELS: dict[str, tuple[ModelInfo, int]] = {
    "claude-opus-4-5": (_info("claude-4-opus"), 64_000),
    "claude-opus-4-1": (_info(ModelFamily.CLAUDE_4_OPUS), 32_000),
    "claude-opus-4": (_info(ModelFamily.CLAUDE_4_OPUS), 32_000),
    "claude-sonnet-4-5": (_info(ModelFamily.CLAUDE_4_SONNET), 64_000),
    "claude-sonnet-4": (_info(ModelFamily.CLAUDE_4_SONNET), 64_000),
    "claude-haiku-4-5": (_info("claude-4-haiku"), 64_000),
    "claude-3-7-sonnet": (_info(ModelFamily.CLAUDE_3_7_SONNET), 64_000),
    "claude-3-5-sonnet": (_info(ModelFamily.CLAUDE_3_5_SONNET), 8_192),
    "claude-3-5-haiku": (_info(ModelFamily.CLAUDE_3_5_HAIKU), 8_192),
    "claude-3-opus": (_info(ModelFamily.CLAUDE_3_OPUS), 4_096),
    "claude-3-sonnet": (_info(ModelFamily.CLAUDE_3_SONNET), 4_096),
    "claude-3-haiku": (_info(ModelFamily.CLAUDE_3_HAIKU), 4_096),
}
"""Claude models by name prefix: dated names (``claude-sonnet-4-20250514``) and aliases
(``claude-3-7-sonnet-latest``, ``claude-opus-4-0``) match too."""

_BY_LENGTH = sorted(KNOWN_MODELS, key=len, reverse=True)


def _entry(model: str) -> tuple[ModelInfo, int] | None:
    for prefix in _BY_LENGTH:
        if model == prefix or model.startswith(prefix + "-") or model.startswith(prefix + "@"):
            return KNOWN_MODELS[prefix]
    return None


def lookup_model(model: str) -> ModelInfo | None:
    """The known info of ``model``, or None."""
    entry = _entry(model)
    return None if entry is None else ModelInfo(**entry[0])


def default_max_tokens(model: str) -> int:
    """The ``max_tokens`` sent when none is given: the model's output limit, at most
    :data:`DEFAULT_MAX_TOKENS_CAP` (4096 for unknown models)."""
    entry = _entry(model)
    return 4096 if entry is None else min(entry[1], DEFAULT_MAX_TOKENS_CAP)


def resolve_model_info(model: str, model_info: ModelInfo | None) -> ModelInfo:
    """``model_info`` if given (checked), else the known info of ``model``.

    Raises:
        ModelInfoRequiredError: The model is unknown and no ``model_info`` was given.
    """
    if model_info is not None:
        validate_model_info(model_info)
        return model_info
    info = lookup_model(model)
    if info is None:
        known = ", ".join(sorted(KNOWN_MODELS))
        raise ModelInfoRequiredError(
            f"agentparts does not know the Claude model {model!r}. Give model_info= "
            "(vision, function_calling, json_output, family, structured_output and "
            f"context_window), or use a known model: {known} (dated names match too)."
        )
    return info
