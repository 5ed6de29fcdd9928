"""Import time: wall time of ``python -c "..."`` in a fresh interpreter, of what users import.

Each ``--what`` is a stack against its honest baseline (the libraries it is built on,
loaded as the stack uses them):

- ``loader``: ``from agentparts import ComponentLoader`` / ``from autogen_core import
  ComponentLoader`` against ``import asyncio`` + ``from pydantic import BaseModel, Field``;
- ``agent``: ``AssistantAgent`` + ``OpenAIChatCompletionClient`` (from-imports) against
  the same plus ``import httpx``;
- ``team``: ``from agentparts.teams import RoundRobinGroupChat`` against the loader's
  baseline (no httpx: the statement imports no model client; the agent row has it);
- ``runtime``: ``SingleThreadedAgentRuntime`` and ``RoutedAgent`` against
  ``import asyncio, pydantic`` (the runtime defines no Pydantic model);
- ``openai``, ``azure_openai``, ``azure_ai``, ``anthropic``, ``ollama``: a model client's
  class (from-import) against ``import httpx, pydantic``.

Why ``from pydantic import BaseModel, Field`` and not ``import pydantic``: Pydantic 2's
package is lazy, ``import pydantic`` loads ``pydantic_core`` and a module ``__getattr__``
but not the model machinery (``pydantic.main``, ``fields``, ``types``, ``annotated_types``),
which the first model class of any program loads: on this machine that is about 60% more
CPU than ``import asyncio, pydantic`` on its own, before any agentparts code runs. The
loader, agent and team stacks define models (``ComponentModel``, the messages), so their
baseline loads the machinery the way a Pydantic program's first line does.

Interpreter start-up is included for everyone. Every run reads current bytecode, as an
installed package does (pip compiles it): the warm-up run writes it to a cache folder of
this run (``PYTHONPYCACHEPREFIX``), even where the environment says
``PYTHONDONTWRITEBYTECODE`` (otherwise every module edited since its last ``.pyc`` would be
compiled from source on each run, which no user pays).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import Any

from _common import NotMeasured, has_module, metric, parse_args, run, time_sync

# The public names that must exist for the import to count (a namespace package or a
# half-written module is "not measured").
_AGENT = (
    "from agentparts.agents import AssistantAgent\n"
    "from agentparts.models.openai import OpenAIChatCompletionClient"
)
_AUTOGEN_AGENT = (
    "from autogen_agentchat.agents import AssistantAgent\n"
    "from autogen_ext.models.openai import OpenAIChatCompletionClient"
)
_RUNTIME = "from agentparts import SingleThreadedAgentRuntime, RoutedAgent"

# Pydantic as a program that defines models loads it (see above).
_PYDANTIC = "import asyncio\nfrom pydantic import BaseModel, Field"

STATEMENTS = {
    "loader": {
        "raw": _PYDANTIC,
        "agentparts": "from agentparts import ComponentLoader",
        "autogen": "from autogen_core import ComponentLoader",
    },
    "agent": {
        "raw": _PYDANTIC + "\nimport httpx",
        "agentparts": _AGENT,
        "autogen": _AUTOGEN_AGENT,
    },
    "team": {
        "raw": _PYDANTIC,
        "agentparts": "from agentparts.teams import RoundRobinGroupChat",
        "autogen": "from autogen_agentchat.teams import RoundRobinGroupChat",
    },
    "runtime": {
        "raw": "import asyncio, pydantic",
        "agentparts": _RUNTIME,
        "autogen": "from autogen_core import SingleThreadedAgentRuntime, RoutedAgent",
    },
}
# The same stacks against the baselines issue 23 names (``import asyncio, pydantic``, plus
# httpx for the agent stack): the target is set on these rows; the rows above say how much
# of the gap is Pydantic's own model machinery.
for _stack, _extra in (("loader", ""), ("agent", ", httpx"), ("team", "")):
    STATEMENTS[f"{_stack}_plain"] = {
        **STATEMENTS[_stack],
        "raw": f"import asyncio, pydantic{_extra}",
    }
# What the first use costs: the same stacks, then one message built, against a Pydantic
# program that defines and builds one model. The stacks import no Pydantic model (each is
# imported on first use), so this row says what moves from the import to the first message.
_FIRST_MESSAGE = 'TextMessage(source="user", content="hi")'
_RAW_MESSAGE = (
    "import asyncio\nfrom pydantic import BaseModel\n"
    "class TextMessage(BaseModel):\n    source: str\n    content: str\n" + _FIRST_MESSAGE
)
for _stack, _extra in (("agent", "\nimport httpx"), ("team", "")):
    STATEMENTS[f"{_stack}_first_message"] = {
        "raw": _RAW_MESSAGE + _extra,
        "agentparts": STATEMENTS[_stack]["agentparts"]
        + "\nfrom agentparts.messages import TextMessage\n"
        + _FIRST_MESSAGE,
        "autogen": STATEMENTS[_stack]["autogen"]
        + "\nfrom autogen_agentchat.messages import TextMessage\n"
        + _FIRST_MESSAGE,
    }
# A model client's class against the libraries it is built on.
_CLIENTS = {
    "openai": ("openai", "OpenAIChatCompletionClient"),
    "azure_openai": ("openai", "AzureOpenAIChatCompletionClient"),
    "azure_ai": ("azure", "AzureAIChatCompletionClient"),
    "anthropic": ("anthropic", "AnthropicChatCompletionClient"),
    "ollama": ("ollama", "OllamaChatCompletionClient"),
}
for _what, (_package, _name) in _CLIENTS.items():
    STATEMENTS[_what] = {
        "raw": "import httpx, pydantic",
        "agentparts": f"from agentparts.models.{_package} import {_name}",
        "autogen": f"from autogen_ext.models.{_package} import {_name}",
    }


def _modules(statement: str) -> list[str]:
    """The modules a statement imports (``import a, b`` or ``from a import ...`` lines)."""
    found: list[str] = []
    for line in statement.splitlines():
        words = line.split()
        if words[0] not in ("from", "import"):
            continue
        if words[0] == "from":
            found.append(words[1])
        else:
            found.extend(m.strip() for m in line.removeprefix("import ").split(","))
    return found


def _bytecode_env(cache: str) -> dict[str, str]:
    """The environment of the timed runs: bytecode is written, to ``cache``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def measure(impl: str, what: str, quick: bool, workdir: str) -> dict[str, Any]:
    statement = STATEMENTS[what][impl]
    for module in _modules(statement):
        if not has_module(module):
            raise NotMeasured(f"{module} does not exist yet")
    with tempfile.TemporaryDirectory(prefix="pycache-", dir=workdir or None) as cache:
        return _measure(statement, quick, _bytecode_env(cache))


def _measure(statement: str, quick: bool, env: dict[str, str]) -> dict[str, Any]:
    # The names must exist for the import to count (not a half-written module).
    command = [sys.executable, "-c", statement]
    probe = subprocess.run(command, capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        raise NotMeasured(f"the API is not there yet ({last})")
    # The probe wrote the bytecode; the warm-up run fills the OS file cache.
    samples = time_sync(
        lambda: subprocess.run(command, check=True, env=env),
        iterations=3 if quick else 15,
        warmup=1,
    )
    return {"metrics": {"import": metric("ms", samples)}, "info": {"statement": statement}}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--what", choices=tuple(STATEMENTS), default="loader"),
    )
    run(
        f"import_{args.what}",
        args.impl,
        lambda: measure(args.impl, args.what, args.quick, args.workdir),
    )


if __name__ == "__main__":
    main()
