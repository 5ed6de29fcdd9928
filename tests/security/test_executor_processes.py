"""Issue 18: what executed code starts and writes stays bounded, and ends with the run.

- A work directory the caller passes keeps its owner and mode; files the sandbox writes
  there belong to the folder's owner and are never left executable or set-id.
- Memory is capped for the whole run (all processes together) where a cgroup exists.
- Where the parent never reaps (a container's pid 1, simulated here by a test process that
  is a child subreaper and never calls wait), timeouts leave no zombie and the executor
  keeps working.
- The local executor kills what its code detached (``setsid``, double fork, ``nohup``)
  when the run ends, times out or the executor stops.

The real bubblewrap sandbox and real processes throughout.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentparts import CancellationToken
from agentparts.code_executor import CodeBlock, CodeExecutor, CommandLineCodeResult
from agentparts.code_executors._cgroups import cgroups_available
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.code_executors.sandbox import SandboxedCodeExecutor

_MIB = 1024 * 1024


def _live_with(marker: str) -> list[int]:
    found: list[int] = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state not in (b"Z", b"X"):
            found.append(int(name))
    return found


async def _run(executor: CodeExecutor, code: str, language: str) -> CommandLineCodeResult:
    result = await executor.execute_code_blocks([CodeBlock(code, language)], CancellationToken())
    assert isinstance(result, CommandLineCodeResult)
    return result


@pytest.fixture
def caller_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="agentparts-caller-"))
    os.chmod(path, 0o750)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


# --- the caller's work directory ------------------------------------------------------


async def test_given_work_dir_keeps_owner_and_mode_and_gets_plain_files(caller_dir: Path) -> None:
    before = caller_dir.stat()
    code = textwrap.dedent(
        """
        import os
        open("data.txt", "w").write("x")
        os.mkdir("sub")
        open("sub/tool.sh", "w").write("echo owned")
        os.chmod("sub/tool.sh", 0o755)
        os.mkdir("open")
        os.chmod("open", 0o777)
        open("open/shared.txt", "w").write("y")
        os.chmod("open/shared.txt", 0o666)
        print("wrote")
        """
    )
    async with SandboxedCodeExecutor(timeout=20, work_dir=caller_dir) as executor:
        result = await _run(executor, code, "python")
        during = caller_dir.stat()
    assert (result.exit_code, result.output) == (0, "wrote\n")
    after = caller_dir.stat()
    for st in (during, after):
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (
            before.st_uid,
            before.st_gid,
            0o750,
        )
    for path in (caller_dir / "data.txt", caller_dir / "sub", caller_dir / "sub" / "tool.sh"):
        st = path.lstat()
        assert st.st_uid == os.getuid(), path  # the host user's: readable, removable
    tool = (caller_dir / "sub" / "tool.sh").stat()
    assert stat.S_IMODE(tool.st_mode) & 0o7111 == 0  # written by the code: not executable
    # Nothing the code made is left for other host users to change.
    assert stat.S_IMODE((caller_dir / "open").stat().st_mode) == 0o755
    assert stat.S_IMODE((caller_dir / "open" / "shared.txt").stat().st_mode) == 0o644
    (caller_dir / "sub" / "tool.sh").unlink()
    (caller_dir / "sub").rmdir()
    (caller_dir / "data.txt").unlink()
    (caller_dir / "open" / "shared.txt").unlink()
    (caller_dir / "open").rmdir()


async def test_sandboxed_code_cannot_plant_a_set_user_id_program(caller_dir: Path) -> None:
    code = textwrap.dedent(
        """
        import os, shutil
        shutil.copy("/usr/bin/id", "evil")
        for mode in (0o4755, 0o2755, 0o6777):
            try:
                os.chmod("evil", mode)
                print("chmod", oct(mode), "allowed")
            except OSError as exc:
                print("chmod", oct(mode), "refused", exc.errno)
        try:
            os.close(os.open("evil2", os.O_CREAT | os.O_WRONLY, 0o4755))
            print("create allowed")
        except OSError as exc:
            print("create refused", exc.errno)
        os.chmod("evil", 0o755)
        """
    )
    async with SandboxedCodeExecutor(timeout=20, work_dir=caller_dir) as executor:
        result = await _run(executor, code, "python")
    assert "allowed" not in result.output, result.output
    assert result.output.count("refused") == 4
    for name in ("evil", "evil2"):
        path = caller_dir / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) & 0o7111 == 0, name


# --- memory of the whole run ------------------------------------------------------------


@pytest.mark.skipif(not cgroups_available(), reason="needs a writable cgroup v1 memory controller")
async def test_memory_is_capped_for_all_processes_of_a_run_together() -> None:
    # 8 processes of 300 MB each stay under the per-process limit (1 GiB) but not under
    # the run's total (1 GiB): some must die.
    code = textwrap.dedent(
        """
        import os, time
        pids = []
        for _ in range(8):
            pid = os.fork()
            if pid == 0:
                block = b"x" * (300 * 1024 * 1024)
                time.sleep(3)
                os._exit(0 if len(block) else 1)
            pids.append(pid)
        survived = sum(os.waitpid(pid, 0)[1] == 0 for pid in pids)
        print("survived", survived)
        """
    )
    async with SandboxedCodeExecutor(
        timeout=60, memory_limit_bytes=1024 * _MIB, max_processes=32
    ) as executor:
        result = await _run(executor, code, "python")
        after = await _run(executor, "print('alive')", "python")
    # The run's cgroups are gone with the sandbox.
    mine = f"agentparts-run-{os.getpid()}-"
    for hierarchy in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/pids")):
        assert not [p for p in hierarchy.rglob(f"{mine}*") if p.is_dir()]
    lines = [line for line in result.output.splitlines() if line.startswith("survived")]
    assert lines, result.output
    assert int(lines[0].split()[1]) <= 3, result.output
    assert "memory limit" in result.output
    assert after.output == "alive\n"


# --- no zombies where the parent never reaps ---------------------------------------------

_NEVER_REAPS = textwrap.dedent(
    """
    import asyncio, ctypes, json, os, sys, time
    kind, count = sys.argv[1], int(sys.argv[2])
    assert ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    out_r, out_w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(out_r)
        from agentparts import CancellationToken
        from agentparts.code_executor import CodeBlock
        from agentparts.code_executors.local import LocalCommandLineCodeExecutor
        from agentparts.code_executors.sandbox import SandboxedCodeExecutor

        async def main():
            if kind == "sandbox":
                executor = SandboxedCodeExecutor(timeout=0.3, max_processes=8)
                code = CodeBlock("sleep 100 & sleep 100", "bash")
            else:
                executor = LocalCommandLineCodeExecutor(timeout=0.3)
                code = CodeBlock("(setsid sh -c 'sleep 100' &); sleep 100", "bash")
            codes = []
            async with executor:
                for _ in range(count):
                    result = await executor.execute_code_blocks([code], CancellationToken())
                    codes.append(result.exit_code)
                last = await executor.execute_code_blocks(
                    [CodeBlock("echo still working", "bash")], CancellationToken()
                )
            return {"codes": codes, "last": last.output}

        os.write(out_w, json.dumps(asyncio.run(main())).encode())
        os._exit(0)
    os.close(out_w)
    data = b""
    while chunk := os.read(out_r, 65536):
        data += chunk
    # The executor's process has ended (the pipe closed); wait until it is a zombie, then
    # look at every child of ours without reaping any of them.
    def children():
        found = []
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    fields = open("/proc/%s/stat" % name).read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == os.getpid():
                    found.append((int(name), fields[0]))
        return found
    time.sleep(1.0)
    zombies = [pid for pid, state in children() if state == "Z" and pid != child]
    report = json.loads(data) if data else {}
    report["zombies"] = len(zombies)
    print(json.dumps(report))
    while True:  # now reap everything, so the test leaves nothing behind
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    """
)


@pytest.mark.parametrize("kind", ["sandbox", "local"])
def test_timeouts_leave_no_zombies_under_a_parent_that_never_reaps(kind: str) -> None:
    count = 20  # more than the sandbox's 8 + 2 processes: leaked zombies would block it
    done = subprocess.run(
        [sys.executable, "-c", _NEVER_REAPS, kind, str(count)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["codes"] == [124] * count
    assert report["last"] == "still working\n"
    assert report["zombies"] == 0


# --- the local executor kills what its code detached --------------------------------------


def _detaching_code(marker: str, then: str) -> str:
    return (
        f"setsid sh -c 'sleep 1000; true' {marker}-setsid &\n"
        f"(setsid sh -c 'sleep 1000; true' {marker}-double-fork &)\n"
        f"nohup sh -c 'sleep 1000; true' {marker}-nohup > /dev/null 2>&1 &\n"
        f"sleep 0.3\n{then}\n"
    )


async def _gone(marker: str) -> bool:
    for _ in range(100):
        if not _live_with(marker):
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("ending", ["exit", "timeout"])
async def test_local_run_kills_detached_processes_when_it_ends(tmp_path: Path, ending: str) -> None:
    marker = uuid.uuid4().hex
    code = _detaching_code(marker, "exit 0" if ending == "exit" else "sleep 1000")
    async with LocalCommandLineCodeExecutor(timeout=3, work_dir=tmp_path) as executor:
        result = await _run(executor, code, "bash")
        assert result.exit_code == (0 if ending == "exit" else 124)
        assert await _gone(marker), _live_with(marker)


async def test_local_stop_kills_detached_processes(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    executor = LocalCommandLineCodeExecutor(timeout=60, work_dir=tmp_path)
    await executor.start()
    task = asyncio.create_task(_run(executor, _detaching_code(marker, "sleep 1000"), "bash"))
    for _ in range(200):
        if len(_live_with(marker)) >= 3:
            break
        await asyncio.sleep(0.05)
    assert len(_live_with(marker)) >= 3
    await executor.stop()
    await task
    assert await _gone(marker), _live_with(marker)
