"""What a model can do: capabilities, families and the ``ModelInfo`` record."""

from __future__ import annotations

from typing import Any, Final, Literal, NotRequired, Required

from typing_extensions import TypedDict

from ..errors import ModelInfoRequiredError

__all__ = ["ModelCapabilities", "ModelFamily", "ModelInfo", "validate_model_info"]


class ModelCapabilities(TypedDict, total=False):
    """The older, smaller form of :class:`ModelInfo` (kept for extension authors).

    Attributes:
        vision: The model accepts images.
        function_calling: The model can call tools.
        json_output: The model can be asked for JSON output.
    """

    vision: Required[bool]
    function_calling: Required[bool]
    json_output: Required[bool]


class ModelInfo(TypedDict, total=False):
    """What a model can do.

    Attributes:
        vision: The model accepts images.
        function_calling: The model can call tools.
        json_output: The model can be asked for JSON output.
        family: The model family, one of :class:`ModelFamily` or any string.
        structured_output: The model can follow a JSON schema (``json_output=MyModel``).
        multiple_system_messages: The model accepts more than one system message.
        context_window: The model's context length in tokens; lets ``remaining_tokens``
            work for models agentparts does not know.

    Example:
        >>> info = ModelInfo(vision=False, function_calling=True, json_output=True,
        ...                  family="unknown", structured_output=True, context_window=8192)
    """

    vision: Required[bool]
    function_calling: Required[bool]
    json_output: Required[bool]
    family: Required[str]
    structured_output: Required[bool]
    multiple_system_messages: NotRequired[bool | None]
    context_window: NotRequired[int]


class ModelFamily:
    """Well-known model family names (``ModelInfo["family"]`` may be any string)."""

    GPT_5: Final = "gpt-5"
    GPT_41: Final = "gpt-41"
    GPT_45: Final = "gpt-45"
    GPT_4O: Final = "gpt-4o"
    O1: Final = "o1"
    O3: Final = "o3"
    O4: Final = "o4"
    GPT_4: Final = "gpt-4"
    GPT_35: Final = "gpt-35"
    R1: Final = "r1"
    GEMINI_1_5_FLASH: Final = "gemini-1.5-flash"
    GEMINI_1_5_PRO: Final = "gemini-1.5-pro"
    GEMINI_2_0_FLASH: Final = "gemini-2.0-flash"
    GEMINI_2_5_PRO: Final = "gemini-2.5-pro"
    GEMINI_2_5_FLASH: Final = "gemini-2.5-flash"
    CLAUDE_3_HAIKU: Final = "claude-3-haiku"
    CLAUDE_3_SONNET: Final = "claude-3-sonnet"
    CLAUDE_3_OPUS: Final = "claude-3-opus"
    CLAUDE_3_5_HAIKU: Final = "claude-3-5-haiku"
    CLAUDE_3_5_SONNET: Final = "claude-3-5-sonnet"
    CLAUDE_3_7_SONNET: Final = "claude-3-7-sonnet"
    CLAUDE_4_SONNET: Final = "claude-4-sonnet"
    CLAUDE_4_OPUS: Final = "claude-4-opus"
    LLAMA_3_3_8B: Final = "llama-3.3-8b"
    LLAMA_3_3_70B: Final = "llama-3.3-70b"
    LLAMA_4_SCOUT: Final = "llama-4-scout"
    LLAMA_4_MAVERICK: Final = "llama-4-maverick"
    CODESRAL: Final = "codestral"
    OPEN_CODESRAL_MAMBA: Final = "open-codestral-mamba"
    MISTRAL: Final = "mistral"
    MINISTRAL: Final = "ministral"
    PIXTRAL: Final = "pixtral"
    UNKNOWN: Final = "unknown"

    ANY = Literal[
        "gpt-5", "gpt-41", "gpt-45", "gpt-4o", "o1", "o3", "o4", "gpt-4", "gpt-35", "r1",
        "gemini-1.5-flash", "gemini-1.5-pro", "gemini-2.0-flash", "gemini-2.5-pro",
        "gemini-2.5-flash", "claude-3-haiku", "claude-3-sonnet", "claude-3-opus",
        "claude-3-5-haiku", "claude-3-5-sonnet", "claude-3-7-sonnet", "claude-4-sonnet",
        "claude-4-opus", "llama-3.3-8b", "llama-3.3-70b", "llama-4-scout",
        "llama-4-maverick", "codestral", "open-codestral-mamba", "mistral", "ministral",
        "pixtral", "unknown",
    ]  # fmt: skip

    @staticmethod
    def is_openai(family: str) -> bool:
        """Whether ``family`` is an OpenAI model family."""
        return family in (
            "gpt-5",
            "gpt-41",
            "gpt-45",
            "gpt-4o",
            "o1",
            "o3",
            "o4",
            "gpt-4",
            "gpt-35",
        )

    @staticmethod
    def is_claude(family: str) -> bool:
        """Whether ``family`` is an Anthropic Claude family."""
        return family.startswith("claude-")

    @staticmethod
    def is_gemini(family: str) -> bool:
        """Whether ``family`` is a Google Gemini family."""
        return family.startswith("gemini-")

    @staticmethod
    def is_llama(family: str) -> bool:
        """Whether ``family`` is a Meta Llama family."""
        return family.startswith("llama-")

    @staticmethod
    def is_mistral(family: str) -> bool:
        """Whether ``family`` is a Mistral family."""
        return family in ("codestral", "open-codestral-mamba", "mistral", "ministral", "pixtral")


_REQUIRED_KEYS = ("vision", "function_calling", "json_output", "family")


def validate_model_info(model_info: ModelInfo | dict[str, Any]) -> None:
    """Check that ``model_info`` has every required key.

    ``structured_output`` may be left out (older AutoGen configs lack it): clients then
    take it as False.

    Raises:
        ModelInfoRequiredError: A key is missing; the message lists the missing keys.
    """
    missing = [key for key in _REQUIRED_KEYS if key not in model_info]
    if missing:
        raise ModelInfoRequiredError(
            f"model_info is missing {', '.join(missing)}. Give every one of "
            f"{', '.join(_REQUIRED_KEYS)} (and optionally structured_output and "
            "context_window), e.g. "
            "model_info={'vision': False, 'function_calling': True, 'json_output': True, "
            "'family': 'unknown', 'structured_output': True}."
        )
