"""What a pull request moves (`moves`), on repositories moved by lockstep itself, each step a commit compared with
the one before it, as `validate --base HEAD~1` compares them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator import validation
from generator.operations.moves import Move, moves, overrides
from tests.conftest import commit, edit, run_lockstep, ungated


def step(repo: Path, *args: str) -> tuple[Move, ...]:
    """Run one lockstep command, commit it, and say what that commit moves."""
    result = run_lockstep(*args, "--commit", "--repo", repo)
    assert result.code == 0, f"{args}: {result.err}"
    loaded, _ = validation.checked(repo, base="HEAD~1")
    return moves(loaded)


def test_a_bump_moves_the_first_environment_only(default_repo: Path) -> None:
    assert step(default_repo, "bump", "service-a") == (
        Move("dev", "platform", "0.1.0", None, "removed"),  # dev runs a combination not stamped yet
        Move("dev", "service-a", "0.1.0", "0.2.0", "bump"),
    )
    assert step(default_repo, "stamp") == (Move("dev", "platform", None, "0.2.0-dev.1", "added"),)


def test_promotions_then_a_rollback(default_repo: Path) -> None:
    ungated(default_repo)
    for args in (["bump", "service-a"], ["stamp"], ["release"], ["promote", "stage"]):
        step(default_repo, *args)
    assert step(default_repo, "promote", "prod") == (
        Move("prod", "platform", "0.1.0", "0.2.0", "promote"),
        Move("prod", "service-a", "0.1.0", "0.2.0", "promote"),
    )
    assert step(default_repo, "rollback", "prod", "--to", "0.1.0") == (
        Move("prod", "platform", "0.2.0", "0.1.0", "rollback"),
        Move("prod", "service-a", "0.2.0", "0.1.0", "rollback"),
    )


def test_a_new_service_is_added_and_a_lock_that_does_not_load_moves_nothing(
    strategy_repo: Callable[..., Path],
) -> None:
    repo = strategy_repo("independent")
    assert step(repo, "add-service", "billing", "--language", "python") == (
        Move("dev", "billing", None, "0.1.0", "added"),
    )
    edit(repo, "environments/prod/platform.lock.yaml", "version: 0.1.0", "version: latest")
    commit(repo)
    loaded, findings = validation.checked(repo, base="HEAD~1")
    assert [f.file for f in findings if f.rule == "schema.invalid-value"] == ["environments/prod/platform.lock.yaml"]
    assert moves(loaded) == ()  # not "prod removes every service": the finding says what is wrong


def test_nothing_moves_without_a_base(default_repo: Path) -> None:
    loaded, _ = validation.checked(default_repo)
    assert moves(loaded) == ()


def prod_overrides(repo: Path, *reasons: str) -> None:
    """prod's overrides.yaml with one record per reason (written by hand until `promote --override` writes it)."""
    records = "".join(
        f"  - at: '2026-11-2{day}T16:05:00Z'\n    gate: freeze\n    reason: {reason}\n"
        f"    by: Jane Doe <jane@example.com>\n    platform: 0.1.0\n"
        for day, reason in enumerate(reasons)
    )
    text = f"apiVersion: lockstep/v1\nkind: Overrides\nenvironment: prod\noverrides:\n{records}"
    (repo / "environments/prod/overrides.yaml").write_text(text)


def test_the_overrides_a_change_appends_and_only_those(default_repo: Path) -> None:
    prod_overrides(default_repo, "first")
    commit(default_repo, "an override")
    prod_overrides(default_repo, "first", "second", "third")
    loaded, findings = validation.checked(default_repo, base="HEAD")
    schema = [f for f in findings if "overrides" in f.file and f.rule.startswith("schema.")]
    assert schema == []  # the hand-written file is what the schema wants (the gates family judges what it overrides)
    assert [(env, record.reason) for env, record in overrides(loaded)] == [("prod", "second"), ("prod", "third")]
    assert overrides(validation.checked(default_repo)[0]) == ()  # no base: nothing is "in this change"
