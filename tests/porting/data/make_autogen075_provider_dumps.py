"""How tests/porting/data/autogen075_{azure_openai,azure_openai_token,ollama}*.json were made.

Not a test; needs AutoGen 0.7.5 with its ``azure`` and ``ollama`` extras, in the venv that
``scripts/bench`` creates (``uv pip install -p benchmarks/.envs/autogen
'autogen-ext[azure,ollama]==0.7.5'``). Run from this folder:

    AZURE_OPENAI_API_KEY=unused ../../../benchmarks/.envs/autogen/bin/python -W ignore \
        make_autogen075_provider_dumps.py .

The key comes from the environment so that AutoGen saves no (masked) ``api_key``; the
endpoints are placeholders the tests replace with their test servers'. The files are
AutoGen's ``dump_component()`` output, unedited.
"""

import sys
from pathlib import Path

from autogen_agentchat.agents import AssistantAgent
from autogen_ext.auth.azure import AzureTokenProvider
from autogen_ext.models.ollama import OllamaChatCompletionClient
from autogen_ext.models.openai import AzureOpenAIChatCompletionClient
from azure.identity import DefaultAzureCredential


def main(out: Path) -> None:
    keyed = AzureOpenAIChatCompletionClient(
        model="gpt-4o",
        azure_endpoint="https://example-resource.openai.azure.com",
        azure_deployment="gpt4o-prod",
        api_version="2024-10-21",
        temperature=0.2,
    )
    token = AzureOpenAIChatCompletionClient(
        model="gpt-4o-mini",
        azure_endpoint="https://example-resource.openai.azure.com",
        azure_deployment="mini",
        api_version="2024-06-01",
        azure_ad_token_provider=AzureTokenProvider(
            DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"
        ),
    )
    ollama = OllamaChatCompletionClient(
        model="llama3.2",
        host="http://127.0.0.1:9",
        options={"temperature": 0.1, "num_ctx": 4096},
    )
    agent = AssistantAgent("local", model_client=ollama, system_message="Answer briefly.")
    dumps = {
        "autogen075_azure_openai.json": keyed.dump_component(),
        "autogen075_azure_openai_token.json": token.dump_component(),
        "autogen075_ollama.json": ollama.dump_component(),
        "autogen075_assistant_ollama.json": agent.dump_component(),
    }
    for name, model in dumps.items():
        (out / name).write_text(model.model_dump_json(indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
