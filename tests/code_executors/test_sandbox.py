"""SandboxedCodeExecutor as a component: languages, work dir, concurrency, config."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts.code_executor import CodeBlock, CodeExecutor, with_requirements
from agentparts.code_executors import default_code_executor
from agentparts.code_executors.sandbox import SandboxedCodeExecutor
from agentparts.errors import SandboxUnavailableError

from .conftest import exists, listdir, live_processes_of_uid


@with_requirements(global_imports=["math"])
def hypotenuse(a: float, b: float) -> float:
    """The hypotenuse of a right triangle."""
    return math.sqrt(a * a + b * b)  # noqa: F821  (imported in the functions module)


async def test_languages_and_block_sequence() -> None:
    async with SandboxedCodeExecutor(timeout=10) as executor:
        result = await executor.execute_code_blocks(
            [
                CodeBlock("print('py')", "python"),
                CodeBlock("echo bash $BASH_VERSION | cut -c1-4", "bash"),
                CodeBlock("echo sh", "sh"),
                CodeBlock("echo shell", "shell"),
                CodeBlock("exit 7", "sh"),
                CodeBlock("print('never')", "python"),
            ],
            CancellationToken(),
        )
    assert result.exit_code == 7
    assert result.output == "py\nbash\nsh\nshell\n"


async def test_unsupported_language_is_a_clear_error_result() -> None:
    async with SandboxedCodeExecutor(timeout=10) as executor:
        result = await executor.execute_code_blocks(
            [CodeBlock("print 1", "cobol")], CancellationToken()
        )
    assert result.exit_code == 1
    assert "Unsupported language 'cobol'" in result.output
    assert "python, bash, sh" in result.output


async def test_temp_work_dir_is_removed_on_stop_and_state_persists_between_runs() -> None:
    executor = SandboxedCodeExecutor(timeout=10)
    await executor.start()
    work_dir = executor.work_dir
    await executor.execute_code_blocks(
        [CodeBlock("open('state.txt', 'w').write('kept')", "python")], CancellationToken()
    )
    result = await executor.execute_code_blocks(
        [CodeBlock("print(open('state.txt').read())", "python")], CancellationToken()
    )
    assert result.output == "kept\n"
    await executor.stop()
    assert not exists(work_dir)


async def test_given_work_dir_is_kept_and_named_files_stay(shared_tmp: Path) -> None:
    tmp_path = shared_tmp
    async with SandboxedCodeExecutor(timeout=10, work_dir=tmp_path) as executor:
        result = await executor.execute_code_blocks(
            [CodeBlock("# filename: sub/hello.py\nprint('hello')", "python")],
            CancellationToken(),
        )
    assert result.exit_code == 0
    assert result.code_file == str(tmp_path / "sub" / "hello.py")
    assert exists(tmp_path / "sub" / "hello.py")


async def test_work_dir_under_a_private_parent_works_and_keeps_its_mode(tmp_path: Path) -> None:
    # pytest's tmp_path lives under a directory only root may enter: the id-mapped mount
    # needs no path the sandbox uid can walk, and nothing is chowned or chmodded.
    work = tmp_path / "work"
    work.mkdir(mode=0o700)
    async with SandboxedCodeExecutor(timeout=10, work_dir=work) as executor:
        result = await executor.execute_code_blocks(
            [CodeBlock("open('out.txt', 'w').write('x')\nprint('ok')", "python")],
            CancellationToken(),
        )
    assert (result.exit_code, result.output) == (0, "ok\n")
    st = work.stat()
    assert (st.st_uid, st.st_mode & 0o7777) == (0, 0o700)
    assert (work / "out.txt").stat().st_uid == 0


async def test_functions_are_importable_inside() -> None:
    async with SandboxedCodeExecutor(timeout=10, functions=[hypotenuse]) as executor:
        result = await executor.execute_code_blocks(
            [CodeBlock("from functions import hypotenuse\nprint(hypotenuse(3, 4))", "python")],
            CancellationToken(),
        )
        prompt = executor.format_functions_for_prompt()
    assert result.output == "5.0\n"
    assert "def hypotenuse(a: float, b: float) -> float:" in prompt
    assert "from functions import foo" in prompt


async def test_several_sandboxes_at_once_have_their_own_uids() -> None:
    executors = [SandboxedCodeExecutor(timeout=20, max_processes=16) for _ in range(4)]
    for executor in executors:
        await executor.start()
    try:
        uids = {executor.sandbox_uid for executor in executors}
        assert len(uids) == 4
        bomb = CodeBlock("bomb() { bomb | bomb & }; bomb; sleep 2", "bash")
        normal = CodeBlock("import os, time\ntime.sleep(0.5)\nprint(os.getuid())", "python")
        results = await asyncio.gather(
            executors[0].execute_code_blocks([bomb], CancellationToken()),
            *(e.execute_code_blocks([normal], CancellationToken()) for e in executors[1:]),
        )
        # A fork bomb in one sandbox does not starve the others of processes.
        for executor, result in zip(executors[1:], results[1:], strict=True):
            assert result.exit_code == 0, result.output
            assert result.output == f"{executor.sandbox_uid}\n"
    finally:
        for executor in executors:
            uid = executor.sandbox_uid
            await executor.stop()
            assert uid is not None and live_processes_of_uid(uid) == []


async def test_missing_bubblewrap_never_falls_back() -> None:
    with pytest.raises(SandboxUnavailableError, match="apt-get install -y bubblewrap"):
        SandboxedCodeExecutor(bwrap="/nonexistent/bwrap")


async def test_default_executor_is_the_sandbox() -> None:
    executor = default_code_executor(timeout=5)
    assert isinstance(executor, SandboxedCodeExecutor)
    assert executor.timeout == 5


async def test_runs_without_explicit_start_and_stop_is_idempotent() -> None:
    executor = SandboxedCodeExecutor(timeout=10)
    result = await executor.execute_code_blocks(
        [CodeBlock("print('auto')", "python")], CancellationToken()
    )
    assert result.output == "auto\n"
    await executor.stop()
    await executor.stop()
    assert not executor.started


async def test_restart_gives_a_fresh_work_dir() -> None:
    async with SandboxedCodeExecutor(timeout=10) as executor:
        first = executor.work_dir
        await executor.restart()
        assert executor.work_dir != first
        assert not exists(first)


def test_config_round_trip() -> None:
    executor = SandboxedCodeExecutor(timeout=7, max_processes=10, env={"A": "1"})
    model = executor.dump_component()
    assert model.provider == "agentparts.code_executors.sandbox.SandboxedCodeExecutor"
    assert model.component_type == "code_executor"
    loaded = ComponentLoader.load_component(model, CodeExecutor)
    assert isinstance(loaded, SandboxedCodeExecutor)
    assert loaded.timeout == 7
    assert loaded.limits.max_processes == 10
    assert loaded.dump_component().config == model.config
    short = ComponentLoader.load_component(
        {"provider": "sandbox", "component_type": "code_executor", "config": {"timeout": 3}}
    )
    assert isinstance(short, SandboxedCodeExecutor) and short.timeout == 3


async def test_concurrent_first_runs_start_once() -> None:
    executor = SandboxedCodeExecutor(timeout=10)
    block = [CodeBlock("import os\nprint(os.getcwd())", "python")]
    try:
        results = await asyncio.gather(
            *(executor.execute_code_blocks(block, CancellationToken()) for _ in range(3))
        )
        assert {r.output for r in results} == {f"{executor.work_dir}\n"}
    finally:
        await executor.stop()


async def test_failed_start_leaves_no_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    # The temporary work directory lands in tmp_path; bubblewrap fails its probe.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    executor = SandboxedCodeExecutor(timeout=10, bwrap="/bin/false")
    with pytest.raises(SandboxUnavailableError, match="cannot create a sandbox"):
        await executor.start()
    assert listdir(tmp_path) == []
    assert not executor.started


def _zombies_of_uid(uid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("State", "").strip().startswith("Z") and str(uid) in fields["Uid"].split():
            found.append(int(entry.name))
    return found


async def test_runs_leave_no_zombies_for_hosts_whose_init_never_reaps() -> None:
    # Each run must be reaped by agentparts itself: a zombie left to the host's pid 1
    # counts against RLIMIT_NPROC of the sandbox uid forever where pid 1 does not reap
    # (containers), until the sandbox cannot start at all.
    async with SandboxedCodeExecutor(timeout=10, max_processes=8) as executor:
        uid = executor.sandbox_uid
        assert uid is not None
        for _ in range(12):
            result = await executor.execute_code_blocks(
                [CodeBlock("print(1)", "python")], CancellationToken()
            )
            assert (result.exit_code, result.output) == (0, "1\n")
        assert _zombies_of_uid(uid) == []


async def test_each_block_starts_with_an_empty_tmp_but_keeps_the_work_dir() -> None:
    # The default work directory lives under the host's /tmp, so inside the sandbox it is
    # mounted under the sandbox's own /tmp: emptying /tmp must not touch it.
    async with SandboxedCodeExecutor(timeout=10) as executor:
        assert str(executor.work_dir).startswith("/tmp/")
        first = await executor.execute_code_blocks(
            [
                CodeBlock(
                    "open('/tmp/scratch', 'w').write('x')\nopen('kept.txt', 'w').write('k')",
                    "python",
                )
            ],
            CancellationToken(),
        )
        second = await executor.execute_code_blocks(
            [
                CodeBlock(
                    "import os\nmine = os.getcwd().split('/')[2]\n"
                    "print([n for n in os.listdir('/tmp') if n != mine], open('kept.txt').read())",
                    "python",
                )
            ],
            CancellationToken(),
        )
    assert first.exit_code == 0, first.output
    assert second.output == "[] k\n"


async def test_a_sandbox_killed_between_blocks_is_started_again() -> None:
    import os
    import signal

    async with SandboxedCodeExecutor(timeout=10) as executor:
        first = await executor.execute_code_blocks(
            [CodeBlock("print(1)", "python")], CancellationToken()
        )
        supervisor = executor._supervisor
        assert supervisor is not None
        # Kill the supervisor (pid 1 inside), not bubblewrap: bubblewrap reaps it and ends.
        for pid in supervisor.own_pids - {supervisor.pid}:
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.2)
        second = await executor.execute_code_blocks(
            [CodeBlock("print(2)", "python")], CancellationToken()
        )
        uid = executor.sandbox_uid
        assert uid is not None
    assert (first.output, second.output) == ("1\n", "2\n")
    assert live_processes_of_uid(uid) == []
