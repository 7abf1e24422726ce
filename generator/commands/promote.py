"""`lockstep promote ENV [--version X.Y.Z | --service S [--version V]]`."""

from __future__ import annotations

from pathlib import Path

from generator.commands import carry_out, writing
from generator.operations.promote import promote


def run(root: Path, environment: str, version: str | None, service: str | None, *, dry_run: bool) -> int:
    with writing(root) as repo:
        carry_out(repo, promote(repo, environment, version=version, service=service), dry_run=dry_run)
    return 0
