"""Issue 18: what executed code leaves in the work directory never blocks or misleads the host.

A block may leave a named pipe, a symbolic link, a device, a socket or a directory where
the next block's file goes, or a file name may be too long, hold a NUL, climb out. Each
time the executor answers at once with a failed result that says why, follows no link,
keeps the event loop running (a ticker proves it), and ``CodeExecutorAgent.run()``
returns instead of raising. The real bubblewrap sandbox plants the entries.

Against the old code the named pipe froze the whole process in ``open()``: a watchdog
thread opens every planted pipe for reading after a few seconds, so that such a run ends
(and the test fails) instead of hanging.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agentparts import CancellationToken
from agentparts.agents import CodeExecutorAgent
from agentparts.code_executor import CodeBlock, CodeExecutor, CodeResult, CommandLineCodeResult
from agentparts.code_executors.local import LocalCommandLineCodeExecutor
from agentparts.code_executors.sandbox import SandboxedCodeExecutor
from agentparts.messages import CodeExecutionEvent
from agentparts.models.replay import ReplayChatCompletionClient

_WATCHDOG_AFTER_S = 6.0
_MAX_LOOP_GAP_S = 0.5


class Ticker:
    """Ticks every 10 ms on the event loop and records the longest gap between ticks."""

    def __init__(self) -> None:
        self.longest_gap = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            self.longest_gap = max(self.longest_gap, now - last)
            last = now

    def start(self) -> None:
        self._task = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class PipeWatchdog(threading.Thread):
    """After a delay, opens every named pipe in ``root`` for reading (unblocking a writer)."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.fired = False
        self._done = threading.Event()
        self._fds: list[int] = []

    def run(self) -> None:
        if self._done.wait(_WATCHDOG_AFTER_S):
            return
        for directory, names, files in os.walk(self.root):
            for name in [*names, *files]:
                path = os.path.join(directory, name)
                try:
                    if stat.S_ISFIFO(os.lstat(path).st_mode):
                        self._fds.append(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
                        self.fired = True
                except OSError:
                    continue

    def stop(self) -> None:
        self._done.set()
        self.join()
        for fd in self._fds:
            os.close(fd)


@pytest.fixture
async def ticker() -> AsyncIterator[Ticker]:
    ticker = Ticker()
    ticker.start()
    yield ticker
    await ticker.stop()
    assert ticker.longest_gap < _MAX_LOOP_GAP_S, (
        f"the event loop was blocked for {ticker.longest_gap:.2f} s"
    )


@pytest.fixture(params=["sandbox", "local"])
async def executor(request: pytest.FixtureRequest) -> AsyncIterator[CodeExecutor]:
    made: CodeExecutor
    if request.param == "sandbox":
        made = SandboxedCodeExecutor(timeout=3, max_processes=32, cleanup_temp_files=True)
    else:
        made = LocalCommandLineCodeExecutor(timeout=3, cleanup_temp_files=True)
    async with made:
        watchdog = PipeWatchdog(_work_dir(made))
        watchdog.start()
        yield made
        watchdog.stop()
        assert not watchdog.fired, "a run blocked on a named pipe until the watchdog opened it"


def _work_dir(executor: CodeExecutor) -> Path:
    assert isinstance(executor, SandboxedCodeExecutor | LocalCommandLineCodeExecutor)
    return executor.work_dir


async def run(executor: CodeExecutor, code: str, language: str = "python") -> CodeResult:
    return await executor.execute_code_blocks([CodeBlock(code, language)], CancellationToken())


async def run_file(executor: CodeExecutor, code: str) -> CommandLineCodeResult:
    result = await run(executor, code)
    assert isinstance(result, CommandLineCodeResult)
    return result


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def lstat_mode(path: Path) -> int:
    return os.lstat(path).st_mode


@dataclass(frozen=True)
class Planted:
    """Code that leaves something in the work dir, the file name the next block gives, and
    what the refusal must say."""

    plant: str
    name: str
    says: str


PLANTED = {
    "fifo": Planted("os.mkfifo('x.py')", "x.py", "named pipe"),
    "fifo as a folder": Planted("os.mkfifo('p')", "p/x.py", "named pipe"),
    "link to a file inside": Planted(
        "open('victim.txt', 'w').write('keep')\nos.symlink('victim.txt', 'x.py')",
        "x.py",
        "symbolic link",
    ),
    "link to /etc/passwd": Planted("os.symlink('/etc/passwd', 'x.py')", "x.py", "symbolic link"),
    "linked folder inside": Planted(
        "os.mkdir('real')\nos.symlink('real', 'd')", "d/x.py", "symbolic link"
    ),
    "linked folder outside": Planted("os.symlink('/etc', 'd')", "d/passwd", "symbolic link"),
    "directory": Planted("os.mkdir('x.py')", "x.py", "directory"),
    "socket": Planted(
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.bind('x.py')", "x.py", "socket"
    ),
}


@pytest.mark.parametrize("case", PLANTED.values(), ids=list(PLANTED))
async def test_planted_entry_is_refused_at_once_and_never_followed(
    executor: CodeExecutor, ticker: Ticker, case: Planted
) -> None:
    work = _work_dir(executor)
    passwd = digest("/etc/passwd")
    planted = await run(executor, f"import os\n{case.plant}")
    assert planted.exit_code == 0, planted.output
    before = {p.name: lstat_mode(p) for p in work.iterdir()}
    started = time.monotonic()
    result = await run(executor, f"# filename: {case.name}\nprint('RAN')")
    elapsed = time.monotonic() - started
    assert result.exit_code != 0
    assert "RAN" not in result.output
    assert case.says in result.output, result.output
    assert elapsed < 1.0  # refused before anything runs, far within the 3 s timeout
    # Nothing was replaced, and nothing was written through a link.
    assert {p.name: lstat_mode(p) for p in work.iterdir()} == before
    assert digest("/etc/passwd") == passwd
    if (work / "victim.txt").exists():
        assert (work / "victim.txt").read_text() == "keep"
    assert not (work / "real" / "x.py").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
async def test_device_node_is_refused(executor: CodeExecutor, ticker: Ticker) -> None:
    work = _work_dir(executor)
    # What local code run as root could leave: a character device (here /dev/null's).
    os.mknod(work / "x.py", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    result = await run(executor, "# filename: x.py\nprint('RAN')")
    assert result.exit_code != 0
    assert "device" in result.output, result.output
    assert stat.S_ISCHR(lstat_mode(work / "x.py"))


NAMES = {
    "too long": ("a" * 300 + ".py", "too long"),
    "too long in all": ("/".join(["d" * 200] * 25) + "/x.py", "too long"),
    "NUL": ("a\0b.py", "NUL"),
    "lone surrogate": ("\ud800.py", "not valid text"),
    "climbs out": ("../x.py", "outside the work directory"),
    "climbs out of a folder": ("sub/../../x.py", "outside the work directory"),
    "the work dir itself": (".", "work directory itself"),
}


@pytest.mark.parametrize(("name", "says"), NAMES.values(), ids=list(NAMES))
async def test_bad_file_name_is_a_failed_result(
    executor: CodeExecutor, ticker: Ticker, name: str, says: str
) -> None:
    result = await run(executor, f"# filename: {name}\nprint('RAN')")
    assert result.exit_code == 1
    assert says in result.output, result.output
    assert "RAN" not in result.output
    assert not _work_dir(executor).parent.joinpath("x.py").exists()


async def test_code_with_a_lone_surrogate_is_a_failed_result(
    executor: CodeExecutor, ticker: Ticker
) -> None:
    result = await run(executor, "print('\ud800')")
    assert result.exit_code == 1
    assert "U+D800" in result.output, result.output


async def test_cleanup_follows_no_link_and_survives_a_directory(
    executor: CodeExecutor, ticker: Ticker, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    # The code replaces its own (auto-named) file: by a link to a file outside, then by a
    # directory. Cleanup removes the link, not what it points to, and leaves the directory.
    linked = await run_file(
        executor,
        f"import os, sys\nos.remove(sys.argv[0])\nos.symlink({str(victim)!r}, sys.argv[0])",
    )
    assert linked.exit_code == 0, linked.output
    assert victim.read_text() == "keep"
    assert linked.code_file is not None and not os.path.lexists(linked.code_file)
    folder = await run_file(
        executor, "import os, sys\nos.remove(sys.argv[0])\nos.mkdir(sys.argv[0])"
    )
    assert folder.exit_code == 0, folder.output
    assert folder.code_file is not None and os.path.isdir(folder.code_file)


def _agent_cases() -> Iterator[tuple[str, str, str, str]]:
    for case_id, case in PLANTED.items():
        yield case_id, case.plant, f"# filename: {case.name}\nprint('RAN')", case.says
    for case_id, (name, says) in NAMES.items():
        yield case_id, "", f"# filename: {name}\nprint('RAN')", says
    yield "surrogate in the code", "", "print('\ud800')", "U+D800"


AGENT_CASES = list(_agent_cases())


@pytest.mark.parametrize(
    ("plant", "code", "says"), [c[1:] for c in AGENT_CASES], ids=[c[0] for c in AGENT_CASES]
)
@pytest.mark.parametrize("with_model", [False, True], ids=["runs given code", "model writes code"])
async def test_code_executor_agent_returns_a_message_never_raises(
    executor: CodeExecutor, ticker: Ticker, plant: str, code: str, says: str, with_model: bool
) -> None:
    if plant:
        planted = await run(executor, f"import os\n{plant}")
        assert planted.exit_code == 0, planted.output
    block = f"```python\n{code}\n```"
    agent: CodeExecutorAgent
    if with_model:
        client = ReplayChatCompletionClient([block, "It did not work."])
        agent = CodeExecutorAgent("coder", code_executor=executor, model_client=client)
        task = "Write a script."
    else:
        agent = CodeExecutorAgent("runner", code_executor=executor)
        task = block
    outcome = await agent.run(task=task)
    executed = [m for m in outcome.messages if isinstance(m, CodeExecutionEvent)]
    assert len(executed) == 1
    assert executed[0].result.exit_code == 1
    assert "RAN" not in executed[0].result.output
    assert says in executed[0].result.output  # what was wrong, for the model to fix
    last = outcome.messages[-1].to_text()
    if with_model:
        assert last == "It did not work."
    else:
        assert "exit code: 1" in last
