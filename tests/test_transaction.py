"""Writes are transactions: all files or none, one writer at a time, never through a symbolic link. Proved with
real processes: 20 concurrent bumps, and writers killed (SIGKILL) at every step of their write."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator import transaction
from generator.errors import UsageError
from tests.conftest import commit, run_lockstep, run_process, validate

TIMESTAMP = re.compile(r"'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'")


def _state(repo: Path) -> dict[str, str]:
    """Every file but git's, with timestamps blanked (a run and its rerun differ only in them)."""
    return {
        p.relative_to(repo).as_posix(): TIMESTAMP.sub("'T'", p.read_text(errors="replace"))
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }


# --- the transaction itself --------------------------------------------------------------------------------


def test_write_makes_folders_and_files_and_leaves_no_journal(tmp_path: Path) -> None:
    with transaction.locked(tmp_path):
        written = transaction.write(tmp_path, {"a/b/c.yaml": "x: 1\n", "d.yaml": b"y: 2\n"})
    assert written == ["a/b/c.yaml", "d.yaml"]
    assert (tmp_path / "a/b/c.yaml").read_text() == "x: 1\n" and (tmp_path / "d.yaml").read_text() == "y: 2\n"
    assert not (tmp_path / transaction.JOURNAL).exists()
    assert sorted(p.name for p in tmp_path.rglob(".*")) == [".lockstep"]  # no temporary file left


@pytest.mark.parametrize("link", ["folder", "file"])
def test_nothing_is_written_through_a_symbolic_link(link: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.yaml").write_text("mine\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    if link == "folder":
        (repo / "releases").symlink_to(outside)
        relative = "releases/target.yaml"
    else:
        (repo / "releases").mkdir()
        (repo / "releases/target.yaml").symlink_to(outside / "target.yaml")
        relative = "releases/target.yaml"
    with transaction.locked(repo), pytest.raises(UsageError, match="is a symbolic link; lockstep never writes"):
        transaction.write(repo, {relative: "theirs\n", "other.yaml": "x\n"})
    assert (outside / "target.yaml").read_text() == "mine\n" and not (repo / "other.yaml").exists()


@pytest.mark.parametrize("relative", ["../x.yaml", "/etc/x.yaml", "a/../../x.yaml"])
def test_a_path_outside_the_repository_is_refused(relative: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a path inside the repository"):
        transaction.check_path(tmp_path, relative)


def test_a_journal_that_names_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".lockstep").mkdir()
    (tmp_path / transaction.JOURNAL).write_text(
        '{"state": "committed", "files": [{"target": "platform.yaml", "temporary": "evil.yaml"}], "folders": []}'
    )
    (tmp_path / "evil.yaml").write_text("x\n")
    with pytest.raises(UsageError, match=re.escape("is not a temporary file of platform.yaml")):
        transaction.recover(tmp_path)
    assert not (tmp_path / "platform.yaml").exists()


def test_a_second_writer_waits_then_stops_with_one_line(default_repo: Path) -> None:
    with transaction.locked(default_repo):  # held by "another writer" for the whole call below
        result = subprocess.run(
            [sys.executable, "-m", "generator", "bump", "service-a", "--repo", str(default_repo)],
            env={**os.environ, "LOCKSTEP_LOCK_WAIT": "0.3"},
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"lockstep: refused, nothing written: another lockstep command kept {default_repo} locked for 0.3 s; "
        "try again\n"
    )


# --- concurrent writers -------------------------------------------------------------------------------------


@pytest.mark.slow  # twenty real processes
def test_twenty_concurrent_bumps_are_each_applied_or_refused_never_lost(new_repo: Callable[..., Path]) -> None:
    names = [f"s{i:02d}" for i in range(20)]
    repo = new_repo("--services", ",".join(f"{n}:python" for n in names))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "bump", name, "--repo", str(repo)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    codes = {name: process.wait(60) for name, process in zip(names, processes, strict=True)}
    assert set(codes.values()) <= {0, 1}
    dev = yaml.safe_load((repo / "environments/dev/platform.lock.yaml").read_text())
    bumped = {name for name in names if dev["services"][name]["version"] == "0.2.0"}  # trunk moves the minor
    assert bumped == {name for name, code in codes.items() if code == 0}, codes
    assert validate(repo).code == 0


# --- writers killed at every step ----------------------------------------------------------------------------


def _released(repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    commit(repo, "bump")
    assert run_lockstep("release", "--repo", repo).code == 0
    commit(repo, "release")


def _bumped(repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    commit(repo, "bump")


WRITERS = {
    "bump": (("bump", "service-b"), lambda repo: None),
    "release": (("release",), _bumped),
    "promote": (("promote", "stage"), _released),
    "rollback": (("rollback", "dev", "--service", "service-a", "--to", "0.1.0"), _bumped),
    "add-service": (("add-service", "payments", "--language", "python"), lambda repo: None),
}
FAULTS = ("prepared:1", "committed:0", "applied:1")


def _scratch_of(pid: int) -> list[str]:
    return [name for name in os.listdir(tempfile.gettempdir()) if re.match(rf"\.?lockstep-[a-z]+-{pid}-", name)]


@pytest.mark.slow  # a killed process and a rerun per case
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_killed_writer_leaves_every_file_old_or_new(
    writer: str, fault: str, strategy_repo: Callable[..., Path]
) -> None:
    args, setup = WRITERS[writer]
    repo = strategy_repo("combined")
    setup(repo)
    reference = strategy_repo("combined", name="reference")
    setup(reference)
    old = _state(repo)
    assert run_lockstep(*args, "--repo", reference).code == 0
    new = _state(reference)

    killed = subprocess.Popen(
        [sys.executable, "-m", "generator", *args, "--repo", str(repo)],
        env={**os.environ, "LOCKSTEP_FAULT": fault},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert killed.wait(60) == -signal.SIGKILL
    now = _state(repo)
    for relative in set(old) | set(new):
        if relative in now:
            assert now[relative] in (old.get(relative), new.get(relative)), f"{relative} is neither old nor new"
        else:
            assert relative not in old, f"{relative} was lost"
    assert (repo / transaction.JOURNAL).exists()  # "preparing" or "committed"

    rerun = run_process(*args, "--repo", repo)  # finishes (committed) or undoes (not committed), then runs
    assert rerun.code in (0, 1, 2) and len(rerun.err.splitlines()) <= 1, rerun.err
    if fault == "prepared:1":
        assert rerun.code == 0 and _state(repo) == new  # undone, then done once
    assert validate(repo).code == 0
    assert not (repo / transaction.JOURNAL).exists()
    assert not [p for p in repo.rglob(".*lockstep-*") if ".git" not in p.parts]
    assert _scratch_of(killed.pid) == []
