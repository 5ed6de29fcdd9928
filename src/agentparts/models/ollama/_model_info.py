"""What common local models can do, and what ``/api/show`` says about any other."""

from __future__ import annotations

from typing import Any, cast

from .._model_info import ModelInfo

__all__ = ["base_name", "info_from_show", "lookup_model", "provisional_info"]

# name: (vision, tools, thinking, family, context window)
_KNOWN: dict[str, tuple[bool, bool, bool, str, int]] = {
    "llama3": (False, False, False, "llama", 8192),
    "llama3.1": (False, True, False, "llama", 131072),
    "llama3.2": (False, True, False, "llama", 131072),
    "llama3.2-vision": (True, False, False, "llama", 131072),
    "llama3.3": (False, True, False, "llama", 131072),
    "llama4": (True, True, False, "llama", 1048576),
    "llava": (True, False, False, "llava", 32768),
    "qwen2.5": (False, True, False, "qwen", 32768),
    "qwen2.5-coder": (False, True, False, "qwen", 32768),
    "qwen2.5vl": (True, False, False, "qwen", 128000),
    "qwen3": (False, True, True, "qwen", 40960),
    "qwen3-coder": (False, True, False, "qwen", 262144),
    "qwq": (False, True, True, "qwen", 40960),
    "mistral": (False, True, False, "mistral", 32768),
    "mistral-nemo": (False, True, False, "mistral", 131072),
    "mistral-small": (False, True, False, "mistral", 32768),
    "mistral-small3.1": (True, True, False, "mistral", 131072),
    "mixtral": (False, True, False, "mistral", 32768),
    "gemma2": (False, False, False, "gemma", 8192),
    "gemma3": (True, False, False, "gemma", 131072),
    "phi3": (False, False, False, "phi", 131072),
    "phi4": (False, False, False, "phi", 16384),
    "phi4-mini": (False, True, False, "phi", 131072),
    "deepseek-r1": (False, True, True, "r1", 131072),
    "gpt-oss": (False, True, True, "gpt-oss", 131072),
    "granite3.3": (False, True, False, "granite", 131072),
    "command-r": (False, True, False, "command-r", 131072),
    "smollm2": (False, True, False, "smollm", 8192),
}


def base_name(model: str) -> str:
    """``model`` without its tag or namespace: ``"library/llama3.2:3b"`` → ``"llama3.2"``."""
    return model.rsplit("/", 1)[-1].split(":", 1)[0].lower()


def _info(vision: bool, tools: bool, family: str, context: int | None) -> ModelInfo:
    info = ModelInfo(
        vision=vision,
        function_calling=tools,
        json_output=True,
        family=family,
        structured_output=True,
        multiple_system_messages=True,
    )
    if context:
        info["context_window"] = context
    return info


def lookup_model(model: str) -> ModelInfo | None:
    """The info of a well-known local model, or None."""
    known = _KNOWN.get(base_name(model))
    if known is None:
        return None
    vision, tools, _, family, context = known
    return _info(vision, tools, family, context)


def provisional_info() -> ModelInfo:
    """What an unknown model is taken to do until ``/api/show`` answers (tools allowed,
    so agents with tools can be built; the server's answer then decides)."""
    return _info(False, True, "unknown", None)


def info_from_show(show: dict[str, Any]) -> ModelInfo:
    """A model's info from Ollama's ``/api/show`` answer (``capabilities`` and the
    context length in ``model_info``); older servers without ``capabilities`` are read
    from the chat template (a ``.Tools`` block means tools) and the projector (vision)."""
    capabilities: Any = show.get("capabilities")
    details: Any = show.get("details")
    family = "unknown"
    if isinstance(details, dict):
        family = str(cast("dict[str, Any]", details).get("family") or "unknown")
    meta: Any = show.get("model_info")
    context: int | None = None
    if isinstance(meta, dict):
        for key, value in cast("dict[str, Any]", meta).items():
            if key.endswith(".context_length") and isinstance(value, int):
                context = value
                break
    if isinstance(capabilities, list):
        caps = {str(c) for c in cast("list[Any]", capabilities)}
        return _info("vision" in caps, "tools" in caps, family, context)
    template = str(show.get("template") or "")
    vision = bool(show.get("projector_info"))
    return _info(vision, ".Tools" in template, family, context)
