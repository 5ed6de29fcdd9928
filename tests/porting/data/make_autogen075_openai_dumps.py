"""How tests/porting/data/autogen075_openai_*.json were made.

Not a test; needs AutoGen 0.7.5 (the venv that ``scripts/bench`` creates). Run from this
folder:

    OPENAI_API_KEY=unused ../../../benchmarks/.envs/autogen/bin/python -W ignore \
        make_autogen075_openai_dumps.py .

No key is passed to the clients, so AutoGen saves no (masked) ``api_key``; the files are
AutoGen's ``dump_component()`` output, unedited. ``autogen075_openai_model_info.json`` is
what AutoGen's client reports as ``model_info`` for every model name its table knows, so a
test can compare agentparts' own table with it.
"""

import json
import sys
from pathlib import Path

from autogen_ext.models.openai import OpenAIChatCompletionClient
from autogen_ext.models.openai import _model_info as table


def main(out: Path) -> None:
    clients = {
        "openai": OpenAIChatCompletionClient(
            model="gpt-4o", temperature=0.2, seed=7, organization="org-example"
        ),
        "gemini": OpenAIChatCompletionClient(model="gemini-2.0-flash", max_tokens=256),
        "claude": OpenAIChatCompletionClient(model="claude-3-5-sonnet", temperature=0.0),
        "llama_api": OpenAIChatCompletionClient(model="Llama-4-Scout-17B-16E-Instruct-FP8"),
        "compatible": OpenAIChatCompletionClient(
            model="local-model",
            base_url="http://127.0.0.1:8000/v1",
            include_name_in_message=False,
            model_info={
                "vision": False,
                "function_calling": True,
                "json_output": True,
                "family": "unknown",
                "structured_output": True,
            },
        ),
    }
    for name, client in clients.items():
        text = client.dump_component().model_dump_json(indent=2)
        (out / f"autogen075_openai_{name}.json").write_text(text + "\n")
    names = sorted({*table._MODEL_INFO, *table._MODEL_POINTERS})  # pyright: ignore[reportPrivateUsage]
    infos = {
        name: {
            "model_info": dict(table.get_info(name)),
            "context_window": table._MODEL_TOKEN_LIMITS.get(table.resolve_model(name)),  # pyright: ignore[reportPrivateUsage]
        }
        for name in names
    }
    routes = {
        "gemini-": table.GEMINI_OPENAI_BASE_URL,
        "claude-": table.ANTHROPIC_OPENAI_BASE_URL,
        "Llama-": table.LLAMA_API_BASE_URL,
    }
    data = {"models": infos, "routes": routes}
    (out / "autogen075_openai_model_info.json").write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
