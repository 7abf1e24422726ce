"""Fixtures that build platform repositories through lockstep itself, in temporary directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_lockstep(*args: str | Path, cwd: Path | None = None, stdin: str | None = None) -> Run:
    """The real command line, in a child process, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture(scope="session")
def default_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`lockstep new --no-input`, made once per session; tests get copies (see `default_repo`)."""
    target = tmp_path_factory.mktemp("template") / "platform"
    result = run_lockstep("new", "--no-input", target)
    assert result.code == 0, result.err
    return target


@pytest.fixture
def default_repo(default_repo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "platform"
    shutil.copytree(default_repo_template, copy, symlinks=True)
    return copy


@pytest.fixture
def new_repo(tmp_path: Path) -> Callable[..., Path]:
    """Make a repository with `lockstep new --no-input` and the given options."""

    def make(*options: str, name: str = "platform") -> Path:
        target = tmp_path / name
        result = run_lockstep("new", "--no-input", *options, target)
        assert result.code == 0, result.err
        return target

    return make


def validate(repo: Path, *args: str) -> Run:
    return run_lockstep("validate", "--repo", repo, *args)


def findings(repo: Path, base: str | None = None) -> list:
    """The findings of `lockstep validate [--base REF]`, in process (same code path as the CLI)."""
    from generator import validation

    return validation.run(repo, base=base)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def commit(repo: Path, message: str = "step") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)


def edit(repo: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    path = repo / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, count))


def line_of(repo: Path, relative: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate((repo / relative).read_text().splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {relative}")
