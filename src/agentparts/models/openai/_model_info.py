"""What well-known models can do, and where models of other providers are routed.

The table covers every model name AutoGen 0.7.5's OpenAI client knows (OpenAI, Gemini,
Claude and the Llama API), with the same capabilities, so configs port unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ModelInfoRequiredError
from .._model_info import ModelInfo, validate_model_info

__all__ = [
    "ALIASES",
    "KNOWN_MODELS",
    "ROUTES",
    "ProviderRoute",
    "lookup_model",
    "provider_route",
    "resolve_model_info",
]

# name, family, context window, flags: v vision, t tools (function calling), j JSON mode,
# s structured output, m several system messages accepted.
_TABLE = """
gpt-5-2025-08-07                       gpt-5             400000  vtjsm
gpt-5-mini-2025-08-07                  gpt-5             400000  vtjsm
gpt-5-nano-2025-08-07                  gpt-5             400000  vtjsm
gpt-4.1-2025-04-14                     gpt-41           1047576  vtjsm
gpt-4.1-mini-2025-04-14                gpt-41           1047576  vtjsm
gpt-4.1-nano-2025-04-14                gpt-41           1047576  vtjsm
gpt-4.5-preview-2025-02-27             gpt-45            128000  vtjsm
gpt-4o-2024-11-20                      gpt-4o            128000  vtjsm
gpt-4o-2024-08-06                      gpt-4o            128000  vtjsm
gpt-4o-2024-05-13                      gpt-4o            128000  vtj-m
gpt-4o-mini-2024-07-18                 gpt-4o            128000  vtjsm
gpt-4o-search-preview-2025-03-11       gpt-4o                 -  -tjsm
gpt-4o-mini-search-preview-2025-03-11  gpt-4o                 -  -tjsm
chatgpt-4o-latest                      gpt-4o            128000  v-j-m
o4-mini-2025-04-16                     o4                200000  vtjsm
o3-2025-04-16                          o3                200000  vtjsm
o3-mini-2025-01-31                     o3                200000  -tjsm
o1-2024-12-17                          o1                200000  -t-sm
o1-preview-2024-09-12                  o1                128000  -t-sm
o1-mini-2024-09-12                     o1                128000  ----m
gpt-4-turbo-2024-04-09                 gpt-4             128000  vtj-m
gpt-4-0125-preview                     gpt-4             128000  -tj-m
gpt-4-1106-preview                     gpt-4             128000  -tj-m
gpt-4-1106-vision-preview              gpt-4             128000  v---m
gpt-4-0613                             gpt-4               8192  -tj-m
gpt-4-32k-0613                         gpt-4              32768  -tj-m
gpt-3.5-turbo-0125                     gpt-35             16385  -tj-m
gpt-3.5-turbo-1106                     gpt-35             16385  -tj-m
gpt-3.5-turbo-instruct                 gpt-35              4096  -tj-m
gpt-3.5-turbo-0613                     gpt-35              4096  -tj-m
gpt-3.5-turbo-16k-0613                 gpt-35             16385  -tj-m
gemini-1.5-flash                       gemini-1.5-flash 1048576  vtjs-
gemini-1.5-flash-8b                    gemini-1.5-flash 1048576  vtjs-
gemini-1.5-pro                         gemini-1.5-pro   2097152  vtjs-
gemini-2.0-flash                       gemini-2.0-flash 1048576  vtjs-
gemini-2.0-flash-lite-preview-02-05    gemini-2.0-flash 1048576  vtjs-
gemini-2.5-pro-preview-03-25           gemini-2.5-pro   2097152  vtjs-
gemini-2.5-flash                       gemini-2.5-flash 1048576  vtjs-
claude-3-haiku-20240307                claude-3-haiku     50000  vt--m
claude-3-sonnet-20240229               claude-3-sonnet   200000  vt--m
claude-3-opus-20240229                 claude-3-opus     200000  vt--m
claude-3-5-haiku-20241022              claude-3-5-haiku  200000  vt--m
claude-3-5-sonnet-20241022             claude-3-5-sonnet 200000  vt--m
claude-3-7-sonnet-20250219             claude-3-7-sonnet 200000  vt--m
claude-sonnet-4-20250514               claude-4-sonnet   200000  vt--m
claude-opus-4-20250514                 claude-4-opus     200000  vt--m
Llama-3.3-8B-Instruct                  llama-3.3-8b      128000  -tj-m
Llama-3.3-70B-Instruct                 llama-3.3-70b     128000  -tj-m
Llama-4-Scout-17B-16E-Instruct-FP8     llama-4-scout     128000  vtjsm
Llama-4-Maverick-17B-128E-Instruct-FP8 llama-4-maverick  128000  vtjsm
"""

# Short names and the dated model each stands for.
_ALIASES = """
gpt-5 gpt-5-2025-08-07
gpt-5-mini gpt-5-mini-2025-08-07
gpt-5-nano gpt-5-nano-2025-08-07
gpt-4.1 gpt-4.1-2025-04-14
gpt-4.1-mini gpt-4.1-mini-2025-04-14
gpt-4.1-nano gpt-4.1-nano-2025-04-14
gpt-4.5-preview gpt-4.5-preview-2025-02-27
gpt-4o gpt-4o-2024-08-06
gpt-4o-mini gpt-4o-mini-2024-07-18
o4-mini o4-mini-2025-04-16
o3 o3-2025-04-16
o3-mini o3-mini-2025-01-31
o1 o1-2024-12-17
o1-preview o1-preview-2024-09-12
o1-mini o1-mini-2024-09-12
gpt-4-turbo gpt-4-turbo-2024-04-09
gpt-4-turbo-preview gpt-4-0125-preview
gpt-4 gpt-4-0613
gpt-4-32k gpt-4-32k-0613
gpt-3.5-turbo gpt-3.5-turbo-0125
gpt-3.5-turbo-16k gpt-3.5-turbo-16k-0613
claude-3-haiku claude-3-haiku-20240307
claude-3-sonnet claude-3-sonnet-20240229
claude-3-opus claude-3-opus-20240229
claude-3-5-haiku claude-3-5-haiku-20241022
claude-3-5-sonnet claude-3-5-sonnet-20241022
claude-3-7-sonnet claude-3-7-sonnet-20250219
claude-4-sonnet claude-sonnet-4-20250514
claude-4-opus claude-opus-4-20250514
llama-3.3-8b Llama-3.3-8B-Instruct
llama-3.3-70b Llama-3.3-70B-Instruct
llama-4-scout Llama-4-Scout-17B-16E-Instruct-FP8
llama-4-maverick Llama-4-Maverick-17B-128E-Instruct-FP8
"""


def _parse_table(text: str) -> dict[str, ModelInfo]:
    table: dict[str, ModelInfo] = {}
    for line in text.strip().splitlines():
        name, family, window, flags = line.split()
        info = ModelInfo(
            vision="v" in flags,
            function_calling="t" in flags,
            json_output="j" in flags,
            family=family,
            structured_output="s" in flags,
            multiple_system_messages="m" in flags,
        )
        if window != "-":
            info["context_window"] = int(window)
        table[name] = info
    return table


KNOWN_MODELS: dict[str, ModelInfo] = _parse_table(_TABLE)
"""Model info of well-known models by their full (dated) name."""

ALIASES: dict[str, str] = {
    short: full for short, full in (line.split() for line in _ALIASES.strip().splitlines())
}
"""Short model names and the full name each stands for (``gpt-4o`` is ``gpt-4o-2024-08-06``)."""

_BY_LENGTH = sorted([*KNOWN_MODELS, *ALIASES], key=len, reverse=True)


@dataclass(frozen=True)
class ProviderRoute:
    """Where the OpenAI client sends a model of another provider when no ``base_url`` is given.

    Attributes:
        prefix: Model names that start with it take this route (case-sensitive).
        provider: The provider's name, for messages.
        base_url: The provider's OpenAI-compatible API root.
        key_variable: The environment variable holding the provider's API key.
    """

    prefix: str
    provider: str
    base_url: str
    key_variable: str


ROUTES: tuple[ProviderRoute, ...] = (
    ProviderRoute(
        "gemini-",
        "Google Gemini",
        "https://generativelanguage.googleapis.com/v1beta/openai",
        "GEMINI_API_KEY",
    ),
    ProviderRoute("claude-", "Anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"),
    ProviderRoute("Llama-", "Meta's Llama API", "https://api.llama.com/compat/v1", "LLAMA_API_KEY"),
)
"""The providers whose models the OpenAI client reaches through their compatible APIs."""


def provider_route(model: str) -> ProviderRoute | None:
    """The route of ``model`` (``gemini-*``, ``claude-*``, ``Llama-*``), or None for OpenAI."""
    for route in ROUTES:
        if model.startswith(route.prefix):
            return route
    return None


def lookup_model(model: str) -> ModelInfo | None:
    """The known info of ``model`` (full name, short name, or a dated variant), or None."""
    info = KNOWN_MODELS.get(model)
    if info is not None:
        return info
    full = ALIASES.get(model)
    if full is not None:
        return KNOWN_MODELS[full]
    for name in _BY_LENGTH:
        if model.startswith(name + "-") and model[len(name) + 1 : len(name) + 2].isdigit():
            return lookup_model(name)
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
