"""The command line itself: --version, the console script, bad usage and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator import __version__
from tests.conftest import run_lockstep, validate


def test_version() -> None:
    result = run_lockstep("--version")
    assert (result.code, result.out) == (0, f"lockstep {__version__}\n")


def test_console_script_and_module_agree() -> None:
    script = Path(sys.executable).parent / "lockstep"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.stdout == f"lockstep {__version__}\n"


def test_not_a_repository_is_exit_2_one_line(tmp_path: Path) -> None:
    result = validate(tmp_path)
    assert result.code == 2
    assert result.err == f"lockstep: error: {tmp_path}: not a lockstep repository (platform.yaml not found)\n"


def test_bad_usage_is_exit_2() -> None:
    assert run_lockstep("validate", "--format", "xml").code == 2
    assert run_lockstep("frobnicate").code == 2


def test_now_takes_only_the_ledgers_utc_form() -> None:
    result = run_lockstep("validate", "--now", "2026-1-5T1:2:3Z")
    assert result.code == 2
    assert result.err.splitlines()[-1].endswith("`2026-1-5T1:2:3Z` is not a UTC time such as 2026-11-28T10:15:00Z")


def test_a_reader_that_goes_away_is_quiet() -> None:
    """`lockstep validate --list-rules | head -1`: the pipe is closed before lockstep writes; like git, it ends
    with 141 (128 + SIGPIPE) and says nothing, where it printed 'lockstep: error: Broken pipe'."""
    read, write = os.pipe()
    os.close(read)
    with os.fdopen(write, "wb") as closed_pipe:
        result = subprocess.run(
            [sys.executable, "-m", "generator", "validate", "--list-rules"], stdout=closed_pipe, stderr=subprocess.PIPE
        )
    assert (result.returncode, result.stderr) == (141, b"")
