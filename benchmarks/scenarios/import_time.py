"""Import time: wall time of ``python -c "import ..."`` in a fresh interpreter.

``--what root``: ``import agentparts`` / ``import autogen_core`` against
``import asyncio, pydantic``. ``--what stack``: the agent and OpenAI client modules against
``import asyncio, pydantic, httpx``. Interpreter start-up is included for everyone.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from _common import NotMeasured, has_module, metric, parse_args, run, time_sync

# The public names that must exist for the import to count (a namespace package or a
# half-written module is "not measured").
CHECKS = {
    "root": {"agentparts": "from agentparts import ComponentLoader"},
    "stack": {
        "agentparts": "from agentparts.agents import AssistantAgent\n"
        "from agentparts.models.openai import OpenAIChatCompletionClient",
    },
}

STATEMENTS = {
    "root": {
        "raw": "import asyncio, pydantic",
        "agentparts": "import agentparts",
        "autogen": "import autogen_core",
    },
    "stack": {
        "raw": "import asyncio, pydantic, httpx",
        "agentparts": "import agentparts.agents, agentparts.models.openai",
        "autogen": "import autogen_agentchat.agents, autogen_ext.models.openai",
    },
}


def measure(impl: str, what: str, quick: bool) -> dict[str, Any]:
    statement = STATEMENTS[what][impl]
    for module in statement.removeprefix("import ").split(", "):
        if not has_module(module):
            raise NotMeasured(f"{module} does not exist yet")
    check = CHECKS[what].get(impl)
    if check is not None:
        probe = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
        if probe.returncode != 0:
            last = (probe.stderr.strip().splitlines() or ["?"])[-1]
            raise NotMeasured(f"the API is not there yet ({last})")
    command = [sys.executable, "-c", statement]
    # The warm-up run fills the OS file cache and writes the .pyc files.
    samples = time_sync(
        lambda: subprocess.run(command, check=True), iterations=3 if quick else 15, warmup=1
    )
    return {"metrics": {"import": metric("ms", samples)}, "info": {"statement": statement}}


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--what", choices=tuple(STATEMENTS), default="root"),
    )
    run(f"import_{args.what}", args.impl, lambda: measure(args.impl, args.what, args.quick))


if __name__ == "__main__":
    main()
