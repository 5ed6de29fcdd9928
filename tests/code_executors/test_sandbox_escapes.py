"""Attacks against the real bubblewrap sandbox: each one must be contained.

After every run (timeout, cancellation, stop included) no process of the sandbox is left:
the tests look through /proc for the sandbox's uid and for marker strings.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest

from agentparts import CancellationToken
from agentparts.code_executor import CodeBlock, CommandLineCodeResult
from agentparts.code_executors.sandbox import SandboxedCodeExecutor

from .conftest import Listener, exists, live_processes_of_uid, live_processes_with, read_text

_MIB = 1024 * 1024


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxedCodeExecutor]:
    async with SandboxedCodeExecutor(
        timeout=3,
        memory_limit_bytes=512 * _MIB,
        max_processes=32,
        max_file_size_bytes=20 * _MIB,
        max_work_dir_bytes=60 * _MIB,
        max_output_bytes=100_000,
    ) as executor:
        yield executor


async def run(
    executor: SandboxedCodeExecutor, code: str, language: str = "python"
) -> CommandLineCodeResult:
    return await executor.execute_code_blocks([CodeBlock(code, language)], CancellationToken())


def assert_nothing_left(executor: SandboxedCodeExecutor) -> None:
    # Between runs only the sandbox's own bubblewrap monitor and supervisor live.
    assert executor.sandbox_uid is not None
    assert executor._supervisor is not None
    own = executor._supervisor.own_pids
    assert len(own) == 2
    assert set(live_processes_of_uid(executor.sandbox_uid)) - own == set()


async def test_runs_as_a_non_root_uid_without_capabilities(sandbox: SandboxedCodeExecutor) -> None:
    result = await run(
        sandbox,
        "import os\nprint(os.getuid(), os.geteuid())\n"
        "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1])",
    )
    assert result.exit_code == 0, result.output
    uid, euid, *_ = result.output.split()
    assert int(uid) == int(euid) == sandbox.sandbox_uid != 0
    assert result.output.split()[-1] == "0000000000000000"


async def test_cannot_write_outside_the_work_dir(sandbox: SandboxedCodeExecutor) -> None:
    marker = uuid.uuid4().hex
    targets = ["/usr/x", "/etc/x", "/x", "/root/x", "/home/x", "/var/tmp/x", "/dev/x"]
    code = (
        "import os\n"
        f"for path in {targets!r}:\n"
        "    try:\n"
        f"        open(path, 'w').write('{marker}')\n"
        "        print('WROTE', path)\n"
        "    except OSError as exc:\n"
        "        print('refused', path, type(exc).__name__)\n"
        f"open('/tmp/{marker}', 'w').write('private')\n"
        f"open('/dev/shm/{marker}', 'w').write('private')\n"
        f"open('inside.txt', 'w').write('{marker}')\n"
    )
    result = await run(sandbox, code)
    assert result.exit_code == 0, result.output
    assert "WROTE" not in result.output
    assert result.output.count("refused") == len(targets)
    for path in targets:
        assert not exists(path) or marker not in read_text(path)
    assert not exists(f"/tmp/{marker}")  # the sandbox's /tmp is its own
    assert not exists(f"/dev/shm/{marker}")
    assert read_text(sandbox.work_dir / "inside.txt") == marker


async def test_cannot_read_shadow_or_root(sandbox: SandboxedCodeExecutor) -> None:
    code = (
        "for path in ['/etc/shadow', '/root/.bashrc', '/root']:\n"
        "    try:\n"
        "        import os\n"
        "        print('READ', path, os.listdir(path) if os.path.isdir(path) else open(path).read()[:20])\n"
        "    except OSError as exc:\n"
        "        print('refused', path, type(exc).__name__)\n"
    )
    result = await run(sandbox, code)
    assert result.exit_code == 0, result.output
    assert "READ" not in result.output
    assert result.output.count("refused") == 3


async def test_no_network_not_even_the_hosts_loopback(
    sandbox: SandboxedCodeExecutor, listener: Listener
) -> None:
    code = (
        "import socket\n"
        "s = socket.socket()\n"
        "s.settimeout(2)\n"
        "try:\n"
        f"    s.connect(('127.0.0.1', {listener.port}))\n"
        "    print('CONNECTED')\n"
        "except OSError as exc:\n"
        "    print('refused', type(exc).__name__)\n"
    )
    result = await run(sandbox, code)
    assert "CONNECTED" not in result.output
    assert "refused" in result.output
    assert listener.accepted == 0


async def test_cannot_create_a_user_namespace(sandbox: SandboxedCodeExecutor) -> None:
    result = await run(sandbox, "unshare --user --map-root-user id -u; echo rc=$?", "bash")
    assert "rc=0" not in result.output
    assert result.output.strip().endswith("rc=1")


async def test_fork_bomb_is_bounded_and_cleaned_up(sandbox: SandboxedCodeExecutor) -> None:
    result = await run(sandbox, "bomb() { bomb | bomb & }; bomb; sleep 30", "bash")
    assert result.exit_code == 124
    assert "timed out" in result.output
    assert_nothing_left(sandbox)
    # The sandbox still works afterwards.
    assert (await run(sandbox, "print('alive')")).output == "alive\n"


async def test_python_fork_bomb(sandbox: SandboxedCodeExecutor) -> None:
    code = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    result = await run(sandbox, code)
    assert result.exit_code == 124
    assert_nothing_left(sandbox)


async def test_memory_bomb_fails_inside(sandbox: SandboxedCodeExecutor) -> None:
    result = await run(sandbox, "x = bytearray(4 * 1024 ** 3)\nprint('ALLOCATED')")
    assert result.exit_code == 1
    assert "MemoryError" in result.output
    assert "ALLOCATED" not in result.output


async def test_one_huge_file_is_cut_at_the_file_size_limit(sandbox: SandboxedCodeExecutor) -> None:
    code = (
        "import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "with open('big.bin', 'wb') as f:\n"
        "    for _ in range(100):\n"
        "        f.write(b'x' * 1024 * 1024)\n"
    )
    result = await run(sandbox, code)
    assert result.exit_code != 0
    assert "File too large" in result.output
    assert (sandbox.work_dir / "big.bin").stat().st_size <= 20 * _MIB


async def test_filling_the_disk_with_many_files_is_stopped(sandbox: SandboxedCodeExecutor) -> None:
    code = (
        "i = 0\n"
        "while True:\n"
        "    with open(f'fill{i}.bin', 'wb') as f:\n"
        "        f.write(b'x' * 5 * 1024 * 1024)\n"
        "    i += 1\n"
    )
    result = await run(sandbox, code)
    assert result.exit_code == 1
    assert "work directory grew past" in result.output
    total = sum(p.stat().st_size for p in sandbox.work_dir.iterdir())
    assert total < 60 * _MIB + 250 * _MIB  # the limit plus what 50 ms of writing adds
    assert_nothing_left(sandbox)


async def test_filling_tmp_is_bounded(sandbox: SandboxedCodeExecutor) -> None:
    code = (
        "try:\n"
        "    with open('/tmp/fill.bin', 'wb') as f:\n"
        "        for _ in range(200):\n"
        "            f.write(b'x' * 1024 * 1024)\n"
        "except OSError as exc:\n"
        "    print('stopped', exc.strerror)\n"
    )
    result = await run(sandbox, code)
    assert "stopped" in result.output


async def test_endless_loop_with_background_children(sandbox: SandboxedCodeExecutor) -> None:
    marker = uuid.uuid4().hex
    code = (
        f"sh -c 'sleep 1000' {marker}-a &\n"
        f"setsid sh -c 'sleep 1000' {marker}-b &\n"
        f"nohup sh -c 'while true; do :; done' {marker}-c > /dev/null 2>&1 &\n"
        "while true; do :; done\n"
    )
    result = await run(sandbox, code, "bash")
    assert result.exit_code == 124
    assert "timed out after 3 s" in result.output
    assert live_processes_with(marker) == []
    assert_nothing_left(sandbox)


async def test_100_mb_of_output_is_capped(sandbox: SandboxedCodeExecutor) -> None:
    result = await run(sandbox, "import sys\nsys.stdout.write('y' * 100_000_000)")
    assert "output truncated" in result.output
    assert len(result.output) < 100_200
    assert result.output.startswith("y" * 1000)
    assert_nothing_left(sandbox)


@pytest.mark.parametrize(
    "name", ["../escape.py", "../../../../etc/evil.py", "/etc/evil.py", "a/../../escape.py"]
)
async def test_filename_that_climbs_out_is_refused(
    sandbox: SandboxedCodeExecutor, name: str
) -> None:
    result = await run(sandbox, f"# filename: {name}\nprint('RAN')")
    assert result.exit_code == 1
    assert "outside the work directory" in result.output
    assert "RAN" not in result.output
    assert not exists(sandbox.work_dir.parent / "escape.py")
    assert not exists("/etc/evil.py")


async def test_filename_through_a_planted_symlink_is_refused(
    sandbox: SandboxedCodeExecutor,
) -> None:
    planted = await run(sandbox, "ln -s /etc link && ln -s /etc/cron.d/x file.py", "bash")
    assert planted.exit_code == 0, planted.output
    for name in ["link/evil.py", "file.py"]:
        result = await run(sandbox, f"# filename: {name}\nprint('RAN')")
        assert result.exit_code == 1
        assert "outside the work directory" in result.output
    assert not exists("/etc/evil.py")
    assert not exists("/etc/cron.d/x")


async def test_cancellation_kills_the_sandbox(sandbox: SandboxedCodeExecutor) -> None:
    token = CancellationToken()
    asyncio.get_running_loop().call_later(0.5, token.cancel)
    result = await sandbox.execute_code_blocks(
        [CodeBlock("sleep 1000 & while true; do :; done", "bash")], token
    )
    assert result.exit_code == 130
    assert "cancelled" in result.output
    assert_nothing_left(sandbox)


async def test_stop_kills_a_run_in_progress() -> None:
    executor = SandboxedCodeExecutor(timeout=60)
    await executor.start()
    uid = executor.sandbox_uid
    assert uid is not None
    marker = uuid.uuid4().hex
    run_task = asyncio.create_task(run(executor, f"sleep 1000 {marker} & sleep 1000", "bash"))
    for _ in range(200):
        if live_processes_with(marker):
            break
        await asyncio.sleep(0.05)
    await executor.stop()
    result = await run_task
    assert result.exit_code != 0
    assert live_processes_of_uid(uid) == []
    assert live_processes_with(marker) == []


async def test_host_environment_does_not_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-must-not-leak")
    async with SandboxedCodeExecutor(timeout=10, env={"GIVEN": "yes"}) as executor:
        result = await run(executor, "env", "bash")
    assert "sk-must-not-leak" not in result.output
    assert "GIVEN=yes" in result.output
    assert os.environ["OPENAI_API_KEY"] == "sk-must-not-leak"
