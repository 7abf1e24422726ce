"""`lockstep rollback ENV --to X.Y.Z` and `lockstep rollback ENV --service S --to V`."""

from __future__ import annotations

from pathlib import Path

from generator.commands import carry_out
from generator.operations.rollback import rollback
from generator.repository import load_repo


def run(root: Path, environment: str, to: str, service: str | None, *, dry_run: bool) -> int:
    repo = load_repo(root)
    carry_out(repo, rollback(repo, environment, to, service), dry_run=dry_run)
    return 0
