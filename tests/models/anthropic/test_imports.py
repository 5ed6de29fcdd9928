"""The Anthropic client module is light: httpx, no vendor SDK, no tokenizer."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_client_loads_no_sdk_and_the_test_server_no_http_client() -> None:
    heavy = ["httpx", "anthropic", "bpe_openai", "botocore"]
    code = (
        "import sys\nfrom agentparts.models.anthropic import AnthropicChatCompletionClient\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "httpx"
    code = (
        "import sys\nfrom agentparts.testing import AnthropicTestServer\n"
        "print('httpx' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"
