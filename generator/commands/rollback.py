"""`lockstep rollback ENV --to X.Y.Z` and `lockstep rollback ENV --service S --to V`."""

from __future__ import annotations

from pathlib import Path

from generator.commands import carry_out, writing
from generator.operations.rollback import rollback


def run(root: Path, environment: str, to: str, service: str | None, *, dry_run: bool) -> int:
    with writing(root) as repo:
        carry_out(repo, rollback(repo, environment, to, service), dry_run=dry_run)
    return 0
