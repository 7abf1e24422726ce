"""`lockstep promote ENV [--version X.Y.Z | --service S [--version V]]`."""

from __future__ import annotations

from pathlib import Path

from generator.commands import carry_out
from generator.operations.promote import promote
from generator.repository import load_repo


def run(root: Path, environment: str, version: str | None, service: str | None, *, dry_run: bool) -> int:
    repo = load_repo(root)
    carry_out(repo, promote(repo, environment, version=version, service=service), dry_run=dry_run)
    return 0
