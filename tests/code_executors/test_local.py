"""LocalCommandLineCodeExecutor: languages, files, timeouts, env scrubbing, venv, config."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from agentparts import CancellationToken, ComponentLoader
from agentparts.code_executor import CodeBlock, CodeExecutor, FunctionWithRequirements
from agentparts.code_executors.local import LocalCommandLineCodeExecutor

from .conftest import exists, live_processes_with, read_text


async def run(executor: LocalCommandLineCodeExecutor, code: str, language: str = "python"):
    return await executor.execute_code_blocks([CodeBlock(code, language)], CancellationToken())


async def test_python_bash_sh_and_failures(tmp_path: Path) -> None:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=10) as executor:
        result = await executor.execute_code_blocks(
            [
                CodeBlock("print('py')", "python"),
                CodeBlock("echo bash", "bash"),
                CodeBlock("echo sh", "sh"),
                CodeBlock("echo shell", "shell"),
                CodeBlock("raise SystemExit('boom')", "python"),
                CodeBlock("print('never')", "python"),
            ],
            CancellationToken(),
        )
    assert result.exit_code == 1
    assert result.output == "py\nbash\nsh\nshell\nboom\n"


async def test_pwsh_only_when_installed(tmp_path: Path) -> None:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path) as executor:
        assert ("pwsh" in executor.supported_languages) == (shutil.which("pwsh") is not None)
        if "pwsh" not in executor.supported_languages:
            result = await run(executor, "Write-Output hi", "pwsh")
            assert result.exit_code == 1
            assert "Unsupported language 'pwsh'" in result.output


async def test_unsupported_language(tmp_path: Path) -> None:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path) as executor:
        result = await run(executor, "SELECT 1", "sql")
    assert result.exit_code == 1
    assert "Unsupported language 'sql'" in result.output


async def test_timeout_is_124_and_kills_background_children(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=1) as executor:
        result = await run(
            executor,
            f"sh -c 'sleep 1000' {marker} &\nsetsid sh -c 'sleep 1000' {marker} &\nsleep 1000",
            "bash",
        )
    assert result.exit_code == 124
    assert "timed out after 1 s" in result.output
    assert "Timeout" in result.output  # AutoGen's word, which ported code looks for
    assert live_processes_with(marker) == []


async def test_cancellation_stops_the_run(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    token = CancellationToken()
    asyncio.get_running_loop().call_later(0.3, token.cancel)
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=60) as executor:
        result = await executor.execute_code_blocks(
            [
                CodeBlock(
                    f"import subprocess\nsubprocess.run(['sh', '-c', 'sleep 1000', '{marker}'])",
                    "py",
                )
            ],
            token,
        )
    assert result.exit_code == 130
    assert "cancelled" in result.output
    assert "Cancelled" in result.output  # AutoGen's word
    assert live_processes_with(marker) == []


async def test_stop_kills_a_run_in_progress(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    executor = LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=60)
    await executor.start()
    task = asyncio.create_task(run(executor, f"sh -c 'sleep 1000' {marker}", "bash"))
    for _ in range(200):
        if live_processes_with(marker):
            break
        await asyncio.sleep(0.02)
    await executor.stop()
    result = await task
    assert result.exit_code != 0
    assert live_processes_with(marker) == []


async def test_output_cap(tmp_path: Path) -> None:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, max_output_bytes=5000) as executor:
        result = await run(executor, "print('z' * 10_000_000)")
    assert result.output.startswith("z" * 5000)
    assert "output truncated" in result.output
    assert len(result.output) < 5200


async def test_environment_is_scrubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret")
    monkeypatch.setenv("MY_FLAG", "on")
    monkeypatch.setenv("LC_TIME", "C")
    executor = LocalCommandLineCodeExecutor(
        work_dir=tmp_path, env_allowlist=["MY_*"], env={"EXTRA": "given"}
    )
    async with executor:
        result = await run(executor, "env", "sh")
    assert "sk-secret-value" not in result.output
    assert "aws-secret" not in result.output
    assert "MY_FLAG=on" in result.output
    assert "LC_TIME=C" in result.output
    assert "EXTRA=given" in result.output
    assert "PATH=" in result.output


async def test_filename_directive_stays_inside(tmp_path: Path) -> None:
    work = tmp_path / "work"
    async with LocalCommandLineCodeExecutor(work_dir=work) as executor:
        ok = await run(executor, "# filename: pkg/mod.py\nprint('named')")
        assert ok.exit_code == 0
        assert ok.code_file == str(work / "pkg" / "mod.py")
        assert read_text(work / "pkg" / "mod.py").startswith("# filename: pkg/mod.py")
        for name in ["../escape.py", str(tmp_path / "abs.py"), "pkg/../../escape.py"]:
            refused = await run(executor, f"# filename: {name}\nprint('ran')")
            assert refused.exit_code == 1
            assert "outside the work directory" in refused.output
            assert "Filename is not in the workspace" in refused.output  # AutoGen's words
    assert not exists(tmp_path / "escape.py")
    assert not exists(tmp_path / "abs.py")


async def test_temp_files_are_cleaned_and_temp_dir_removed() -> None:
    executor = LocalCommandLineCodeExecutor()
    await executor.start()
    work_dir = executor.work_dir
    result = await run(executor, "print('x')")
    assert result.code_file is not None
    assert not exists(result.code_file)
    await executor.stop()
    assert not exists(work_dir)


async def test_functions_module(tmp_path: Path) -> None:
    source = "def double(x: int) -> int:\n    '''Twice x.'''\n    return 2 * x\n"
    functions = [FunctionWithRequirements.from_str(source)]
    executor = LocalCommandLineCodeExecutor(
        work_dir=tmp_path, functions=functions, functions_module="helpers"
    )
    async with executor:
        result = await run(executor, "from helpers import double\nprint(double(21))")
    assert result.output == "42\n"
    assert executor.functions == ["double"]


async def test_virtual_env(tmp_path: Path) -> None:
    venv_dir = tmp_path / "venv"
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "venv", "--without-pip", str(venv_dir)],
        check=True,
    )
    executor = LocalCommandLineCodeExecutor(work_dir=tmp_path / "w", virtual_env=venv_dir)
    async with executor:
        result = await run(
            executor, "import sys, os\nprint(sys.prefix)\nprint(os.environ['VIRTUAL_ENV'])"
        )
    assert result.output.split() == [str(venv_dir.resolve())] * 2


def test_not_a_virtual_env(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a virtual environment"):
        LocalCommandLineCodeExecutor(virtual_env=tmp_path)


def test_config_round_trip(tmp_path: Path) -> None:
    executor = LocalCommandLineCodeExecutor(
        timeout=9, work_dir=tmp_path, env_allowlist=["X_*"], env={"A": "1"}
    )
    model = executor.dump_component()
    assert model.provider == "agentparts.code_executors.local.LocalCommandLineCodeExecutor"
    loaded = ComponentLoader.load_component(model, CodeExecutor)
    assert isinstance(loaded, LocalCommandLineCodeExecutor)
    assert loaded.dump_component().config == model.config
    autogen = ComponentLoader.load_component(
        {
            "provider": "autogen_ext.code_executors.local.LocalCommandLineCodeExecutor",
            "component_type": "code_executor",
            "config": {"timeout": 5},
        }
    )
    assert isinstance(autogen, LocalCommandLineCodeExecutor) and autogen.timeout == 5


async def test_each_run_emits_a_code_execution_event(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from agentparts import EVENT_LOGGER_NAME
    from agentparts.logging import CodeExecutionEvent

    with caplog.at_level("INFO", logger=EVENT_LOGGER_NAME):
        async with LocalCommandLineCodeExecutor(work_dir=tmp_path) as executor:
            await run(executor, "exit 2", "sh")
    events = [r.msg for r in caplog.records if isinstance(r.msg, CodeExecutionEvent)]
    assert len(events) == 1
    fields = events[0].to_dict()
    assert fields["type"] == "CodeExecution"
    assert fields["executor"] == "LocalCommandLineCodeExecutor"
    assert fields["languages"] == ["sh"]
    assert fields["exit_code"] == 2


async def test_a_token_reused_for_many_runs_keeps_no_callbacks(tmp_path: Path) -> None:
    token = CancellationToken()
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=10) as executor:
        for index in range(3):
            result = await executor.execute_code_blocks(
                [CodeBlock(f"print({index})", "python")], token
            )
            assert result.output == f"{index}\n"
    assert token._callbacks == []  # pyright: ignore[reportPrivateUsage]


async def test_a_block_that_kills_its_supervisor_fails_and_the_next_block_runs(
    tmp_path: Path,
) -> None:
    async with LocalCommandLineCodeExecutor(timeout=10, work_dir=tmp_path) as executor:
        killed = await executor.execute_code_blocks(
            [CodeBlock("kill -9 $PPID; sleep 5", "bash")], CancellationToken()
        )
        after = await executor.execute_code_blocks(
            [CodeBlock("echo fine", "bash")], CancellationToken()
        )
    assert killed.exit_code != 0
    assert "ended during the run" in killed.output
    assert (after.exit_code, after.output) == (0, "fine\n")


async def test_restart_warns_and_does_nothing_as_autogen(tmp_path: Path) -> None:
    async with LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=10) as executor:
        await run(executor, "# filename: kept.py\nprint('x')")
        with pytest.warns(
            UserWarning, match="Restarting LocalCommandLineCodeExecutor is not supported"
        ):
            await executor.restart()
        assert exists(tmp_path / "kept.py")
        assert (await run(executor, "print('still running')")).output == "still running\n"
    temp = LocalCommandLineCodeExecutor()
    await temp.start()
    work_dir = temp.work_dir
    with pytest.warns(UserWarning, match="no action is taken"):
        await temp.restart()
    assert temp.work_dir == work_dir  # no new temporary directory either
    await temp.stop()


def test_a_temp_file_that_cannot_be_deleted_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from agentparts.code_executors._files import CodeFile, remove_code_files

    # /proc refuses unlink even to root: a real failure, as a read-only folder gives.
    with caplog.at_level("ERROR", logger="agentparts.code_executors"):
        remove_code_files([CodeFile(Path("/proc/self"), ("status",))])
    assert "Failed to delete temporary file /proc/self/status" in caplog.text
