"""Tampered repositories: each case breaks a repository made by `lockstep new` in one way, and names the
rule, file and line (the line holding `needle`, after the edit) where validate must report it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import findings, line_of


@dataclass(frozen=True)
class Case:
    rule: str
    file: str
    needle: str | None  # the line that holds this text; None: line 1
    tamper: Callable[[Path], None]
    occurrence: int = 1  # of `needle`
    base: str | None = None  # pull-request mode: validate --base this ref

    def __str__(self) -> str:
        return self.rule


def assert_fires(case: Case, repo: Path) -> None:
    case.tamper(repo)
    line = line_of(repo, case.file, case.needle, case.occurrence) if case.needle else 1
    found = findings(repo, base=case.base)
    hits = [f for f in found if (f.rule == case.rule or f.rule.startswith(case.rule + ".")) and f.file == case.file]
    assert hits, f"{case.rule} not reported in {case.file}; got {[(f.rule, f.file, f.line) for f in found]}"
    assert line in {f.line for f in hits}, f"{case.rule} at lines {[f.line for f in hits]}, expected {line}"


DEV_LOCK = "environments/dev/platform.lock.yaml"
STAGE_LOCK = "environments/stage/platform.lock.yaml"
PLATFORM = "platform.yaml"
