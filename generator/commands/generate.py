"""`lockstep generate [--dry-run] [--commit]`: rewrite what lockstep derives, write the missing engine objects."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.generate import generate


def run(root: Path | None, *, dry_run: bool, commit: bool = False, now: datetime | None = None) -> int:
    with writing(root, now) as repo:
        carry_out(repo, generate(repo), dry_run=dry_run, commit="generate" if commit else None)
    return 0
