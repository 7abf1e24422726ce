"""What lockstep computes from a loaded repository, one module each: the writers (bump, release, promote,
rollback, add-service, new) and the status view. A writer returns a Plan (a summary and the files it would
write); the changeset checks the plan against every rule, in memory, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.freeze import format_instant
from generator.operations.changeset import Changeset
from generator.repository import Repo, now_of


@dataclass
class Plan:
    summary: str
    change: Changeset = field(default_factory=Changeset)


def utc_now(repo: Repo) -> str:
    """The time a writer records, in the ledger's form (2026-11-28T10:00:00Z): `--now`, else the UTC clock."""
    return format_instant(now_of(repo))
