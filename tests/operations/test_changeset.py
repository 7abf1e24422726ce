"""The changeset: a planned change is checked in memory against every rule it can affect, refused when it adds
an error, and written only when it does not."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from generator import hadolint
from generator.errors import Refused
from generator.operations.changeset import Changeset
from generator.repository import load_repo
from tests.conftest import edit

LOCK = "environments/dev/platform.lock.yaml"


def _lock_with(repo: Path, old: str, new: str) -> str:
    return (repo / LOCK).read_text().replace(old, new, 1)


def test_a_clean_change_is_written(default_repo: Path) -> None:
    repo = load_repo(default_repo)
    change = Changeset({LOCK: _lock_with(default_repo, "platform: 0.1.0\n", "platform: 0.1.0\n")})
    assert change.new_errors(repo) == []
    assert change.apply(repo) == [LOCK]


def test_a_change_that_adds_an_error_is_refused_and_writes_nothing(default_repo: Path) -> None:
    repo = load_repo(default_repo)
    text = _lock_with(default_repo, "version: 0.1.0", "version: 9.9.9")
    change = Changeset({LOCK: text, "environments/dev/other.txt": "x\n"})
    with pytest.raises(Refused) as refused:
        change.apply(repo)
    assert str(refused.value).startswith("refused, nothing written: the change would give ")
    assert f"{LOCK}:" in str(refused.value)
    assert (default_repo / LOCK).read_text() != text
    assert not (default_repo / "environments/dev/other.txt").exists()


def test_errors_the_repository_already_has_do_not_refuse_a_change(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")  # an error already there
    edit(default_repo, "platform.yaml", "registry: ", "description: a platform\nregistry: ")
    repo = load_repo(default_repo)
    change = Changeset({"platform.yaml": (default_repo / "platform.yaml").read_text().replace("a platform", "ours")})
    assert change.new_errors(repo) == []


def test_the_diff_shows_changed_and_new_files(default_repo: Path) -> None:
    repo = load_repo(default_repo)
    change = Changeset({LOCK: _lock_with(default_repo, "version: 0.1.0", "version: 0.1.1"), "releases/x.yaml": "a\n"})
    diff = change.diff(repo)
    assert f"--- a/{LOCK}\n+++ b/{LOCK}\n" in diff and "-    version: 0.1.0\n+    version: 0.1.1\n" in diff
    assert "--- /dev/null\n+++ b/releases/x.yaml\n@@ -0,0 +1 @@\n+a\n" in diff


@pytest.fixture
def counted_hadolint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real hadolint behind a wrapper that counts its runs."""
    real = hadolint.binary()
    assert real is not None
    log = tmp_path / "hadolint-runs"
    wrapper = tmp_path / "hadolint"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(wrapper))
    return log


def test_a_lock_change_does_not_run_hadolint(default_repo: Path, counted_hadolint: Path) -> None:
    repo = load_repo(default_repo)
    Changeset({LOCK: _lock_with(default_repo, "version: 0.1.0", "version: 0.1.1")}).new_errors(repo)
    assert not counted_hadolint.exists()


def test_a_dockerfile_change_runs_hadolint_once_and_is_judged(default_repo: Path, counted_hadolint: Path) -> None:
    repo = load_repo(default_repo)
    dockerfile = "services/service-a/Dockerfile"
    bad = (default_repo / dockerfile).read_text().replace("EXPOSE 8080", "EXPOSE 8080\nRUN cd /tmp")
    assert Changeset({dockerfile: bad}).new_errors(repo) == []  # DL3003 is a warning
    assert counted_hadolint.read_text() == "run\n"
    worse = (default_repo / dockerfile).read_text().replace("EXPOSE 8080", "EXPOSE 9090")
    [error] = Changeset({dockerfile: worse}).new_errors(repo)
    assert error.rule == "dockerfile.expose-port"


def test_the_check_reads_the_loaded_repository_not_the_disk(default_repo: Path, tmp_path: Path) -> None:
    repo = load_repo(default_repo)
    change = Changeset({LOCK: _lock_with(default_repo, "version: 0.1.0", "version: 9.9.9")})
    moved = tmp_path / "moved"
    shutil.move(str(default_repo), moved)
    [*errors] = change.new_errors(repo)
    assert errors and all(e.file == LOCK or e.file.startswith("environments/") for e in errors)
    assert not default_repo.exists() and os.path.isdir(moved)
