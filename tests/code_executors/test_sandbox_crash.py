"""A host process that dies with a sandbox running leaves no process of the sandbox's uid.

The sandbox is a pid namespace whose pid 1 is the supervisor, and bubblewrap runs with
``--die-with-parent``: when the host is killed, bubblewrap's monitor and pid 1 die, and the
kernel kills every other process of the namespace, however it detached. That is why no uid
sweep is needed when the next sandbox takes the same uid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import live_processes_of_uid

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="per-sandbox uids need root")

_HOST = r"""
import asyncio, sys
from agentparts import CancellationToken
from agentparts.code_executor import CodeBlock
from agentparts.code_executors.sandbox import SandboxedCodeExecutor

DETACH = '''
import os, subprocess, time
subprocess.Popen(["sleep", "300"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(300)
    os._exit(0)
time.sleep(0.3)
print("detached", flush=True)
time.sleep(300)
'''

async def main():
    executor = SandboxedCodeExecutor(timeout=60)
    await executor.start()
    run = asyncio.ensure_future(
        executor.execute_code_blocks([CodeBlock(DETACH, "python")], CancellationToken())
    )
    await asyncio.sleep(2)  # the block is running and has detached its sleepers
    assert not run.done(), run.result().output
    print(executor.sandbox_uid, flush=True)
    await run

asyncio.run(main())
"""


def test_a_killed_host_leaves_no_process_of_the_sandbox_uid() -> None:
    host = subprocess.Popen([sys.executable, "-c", _HOST], stdout=subprocess.PIPE, text=True)
    stdout = host.stdout
    assert stdout is not None
    try:
        line = stdout.readline()
        assert line.strip().isdigit(), f"the host printed {line!r}"
        uid = int(line)
        # The block, its detached sleepers, bubblewrap's monitor and the supervisor.
        assert len(live_processes_of_uid(uid)) >= 5
    finally:
        host.send_signal(signal.SIGKILL)
        host.wait()
        stdout.close()
    deadline = time.monotonic() + 10
    while live_processes_of_uid(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes_of_uid(uid) == []
