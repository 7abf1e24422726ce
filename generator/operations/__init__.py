"""What lockstep computes from a loaded repository, one module each: the writers (bump, release, promote,
rollback, add-service, new) and the status view. A writer returns a Plan (a summary and the files it would
write); the changeset checks the plan against every rule, in memory, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from generator.operations.changeset import Changeset


@dataclass
class Plan:
    summary: str
    change: Changeset = field(default_factory=Changeset)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
