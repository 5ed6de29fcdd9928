"""What well-known OpenAI models can do, so users need not say it."""

from __future__ import annotations

from ...errors import ModelInfoRequiredError
from .._model_info import ModelFamily, ModelInfo, validate_model_info

__all__ = ["KNOWN_MODELS", "lookup_model", "resolve_model_info"]


def _info(
    family: str,
    window: int,
    *,
    vision: bool = True,
    tools: bool = True,
    structured: bool = True,
    multiple_system_messages: bool = True,
) -> ModelInfo:
    return ModelInfo(
        vision=vision,
        function_calling=tools,
        json_output=True,
        family=family,
        structured_output=structured,
        multiple_system_messages=multiple_system_messages,
        context_window=window,
    )


KNOWN_MODELS: dict[str, ModelInfo] = {
    "gpt-5": _info(ModelFamily.GPT_5, 400_000),
    "gpt-5-mini": _info(ModelFamily.GPT_5, 400_000),
    "gpt-5-nano": _info(ModelFamily.GPT_5, 400_000),
    "gpt-4.1": _info(ModelFamily.GPT_41, 1_047_576),
    "gpt-4.1-mini": _info(ModelFamily.GPT_41, 1_047_576),
    "gpt-4.1-nano": _info(ModelFamily.GPT_41, 1_047_576),
    "gpt-4.5-preview": _info(ModelFamily.GPT_45, 128_000),
    "gpt-4o": _info(ModelFamily.GPT_4O, 128_000),
    "gpt-4o-mini": _info(ModelFamily.GPT_4O, 128_000),
    "chatgpt-4o-latest": _info(ModelFamily.GPT_4O, 128_000, tools=False, structured=False),
    "o4-mini": _info(ModelFamily.O4, 200_000),
    "o3": _info(ModelFamily.O3, 200_000),
    "o3-mini": _info(ModelFamily.O3, 200_000, vision=False),
    "o1": _info(ModelFamily.O1, 200_000),
    "o1-mini": _info(ModelFamily.O1, 128_000, vision=False, tools=False, structured=False),
    "gpt-4-turbo": _info(ModelFamily.GPT_4, 128_000, structured=False),
    "gpt-4": _info(ModelFamily.GPT_4, 8_192, vision=False, structured=False),
    "gpt-4-32k": _info(ModelFamily.GPT_4, 32_768, vision=False, structured=False),
    "gpt-3.5-turbo": _info(ModelFamily.GPT_35, 16_385, vision=False, structured=False),
}
"""Model info of well-known OpenAI models; dated names (``gpt-4o-2024-08-06``) match too."""

_BY_LENGTH = sorted(KNOWN_MODELS, key=len, reverse=True)


def lookup_model(model: str) -> ModelInfo | None:
    """The known info of ``model`` (exact name, or a dated/suffixed variant), or None."""
    info = KNOWN_MODELS.get(model)
    if info is not None:
        return info
    for name in _BY_LENGTH:
        if model.startswith(name + "-") and model[len(name) + 1 : len(name) + 2].isdigit():
            return KNOWN_MODELS[name]
    return None


def resolve_model_info(model: str, model_info: ModelInfo | None) -> ModelInfo:
    """The user's ``model_info`` (validated), else the table's, else a clear error.

    Raises:
        ModelInfoRequiredError: The model is unknown and no ``model_info`` was given, or
            the given one misses required keys.
    """
    if model_info is not None:
        validate_model_info(model_info)
        known = lookup_model(model)
        info = ModelInfo(**model_info)
        info.setdefault("structured_output", False)
        if known is not None and "context_window" not in info and "context_window" in known:
            info["context_window"] = known["context_window"]
        return info
    known = lookup_model(model)
    if known is None:
        raise ModelInfoRequiredError(
            f"agentparts does not know what model {model!r} can do. Pass model_info=, e.g. "
            "model_info={'vision': False, 'function_calling': True, 'json_output': True, "
            "'family': 'unknown', 'structured_output': True, 'context_window': 32768}."
        )
    return ModelInfo(**known)
