"""`lockstep rollback ENV --to X.Y.Z` and `lockstep rollback ENV --service S --to V`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.rollback import rollback


def run(
    root: Path | None,
    environment: str,
    to: str,
    service: str | None,
    *,
    dry_run: bool,
    commit: bool = False,
    now: datetime | None = None,
) -> int:
    with writing(root, now) as repo:
        plan = rollback(repo, environment, to, service)
        carry_out(repo, plan, dry_run=dry_run, commit=f"rollback {environment}" if commit else None)
    return 0
