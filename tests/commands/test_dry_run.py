"""`--dry-run` runs the same check as the real run and exits with the same code, over refused and accepted
changes of every write command; only the real run writes, and only when it exits 0."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import commit, edit, git, run_lockstep


def _bumped(repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    commit(repo, "bump")


def _released(repo: Path) -> None:
    _bumped(repo)
    assert run_lockstep("release", "--repo", repo).code == 0
    commit(repo, "release")


def _stamped_in_stage(repo: Path) -> None:
    _bumped(repo)
    for args in (("stamp",), ("promote", "stage")):
        assert run_lockstep(*args, "--repo", repo).code == 0
    commit(repo, "trunk version in stage")


def _a_requires_b(repo: Path) -> None:
    edit(repo, "platform.yaml", "    language: go\n", "    language: go\n    requires: {service-b: '>=0.1.0'}\n")
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    commit(repo, "a requires b")


def _requires_a_later_b(repo: Path) -> None:
    """platform.yaml now says service-a needs service-b 9; the next bump of service-a freezes that into dev."""
    edit(repo, "platform.yaml", "    language: go\n", "    language: go\n    requires: {service-b: '>=9.0.0'}\n")
    commit(repo, "requires")


@dataclass(frozen=True)
class Write:
    name: str
    args: tuple[str, ...]
    code: int
    setup: Callable[[Path], None] = lambda repo: None
    options: tuple[str, ...] = field(default=())  # `lockstep new` options; empty: the default platform

    def __str__(self) -> str:
        return self.name


WRITES = [
    Write("bump", ("bump", "service-a"), 0),
    Write("bump an unknown service", ("bump", "service-z"), 1),
    Write("bump to an older version", ("bump", "service-a", "--version", "0.0.9"), 1),
    Write("bump that breaks a requirement", ("bump", "service-a"), 1, _requires_a_later_b),
    Write("release", ("release",), 0, _bumped),
    Write(
        "release with nothing new at the source (five environments)",
        ("release",),
        0,
        _bumped,
        ("--environments", "dev,qa,uat,stage,prod"),
    ),
    Write("stamp", ("stamp",), 0, _bumped),
    Write("stamp with nothing new", ("stamp",), 0),
    Write("promote a pre-release into production", ("promote", "prod"), 1, _stamped_in_stage),
    Write("remove-service", ("remove-service", "service-c"), 0),
    Write("remove-service that another requires", ("remove-service", "service-b"), 1, _a_requires_b),
    Write("remove-service that does not exist", ("remove-service", "service-z"), 2),
    Write("promote stage", ("promote", "stage"), 0, _released),
    Write("promote with nothing new", ("promote", "stage"), 0),
    Write("promote an unknown version", ("promote", "prod", "--version", "9.9.9"), 1, _released),
    Write("rollback a service in dev", ("rollback", "dev", "--service", "service-a", "--to", "0.1.0"), 0, _bumped),
    Write("rollback to a version never run", ("rollback", "dev", "--service", "service-a", "--to", "0.0.1"), 1),
    Write("rollback prod to what it runs", ("rollback", "prod", "--to", "0.1.0"), 1),
    Write("add-service", ("add-service", "payments", "--language", "go"), 0),
    Write("add-service that exists", ("add-service", "service-a", "--language", "go"), 2),
]


def _tree(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
    }


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_dry_run_exits_as_the_real_run(
    write: Write, strategy_repo: Callable[..., Path], new_repo: Callable[..., Path]
) -> None:
    repo = new_repo(*write.options) if write.options else strategy_repo("combined")
    write.setup(repo)
    before = _tree(repo)
    dry = run_lockstep(*write.args, "--dry-run", "--repo", repo)
    assert dry.code == write.code, dry.out + dry.err
    assert _tree(repo) == before, "a dry run wrote"
    real = run_lockstep(*write.args, "--repo", repo)
    assert real.code == dry.code, f"dry run {dry.code}, real run {real.code}: {real.err}"
    assert (_tree(repo) != before) == (real.code == 0 and "nothing" not in real.out)
    if write.code == 1:
        assert dry.err == real.err  # the same refusal, word for word
        assert dry.err.startswith("lockstep: refused, nothing written: ")
    if write.code == 0 and "nothing" not in real.out:
        assert run_lockstep("validate", "--repo", repo).code == 0


def test_a_refused_dry_run_still_prints_the_diff(strategy_repo: Callable[..., Path]) -> None:
    repo = strategy_repo("combined")
    _requires_a_later_b(repo)
    result = run_lockstep("bump", "service-a", "--dry-run", "--repo", repo)
    assert result.code == 1
    assert "+    version: 0.2.0\n" in result.out and "-platform: 0.1.0\n" in result.out
    assert "compatibility.unsatisfied" in result.err
    assert git(repo, "status", "--porcelain") == ""
