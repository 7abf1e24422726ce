"""`lockstep generate [--dry-run] [--commit]`: rewrite what lockstep derives, write the missing engine objects."""

from __future__ import annotations

from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.generate import generate


def run(root: Path | None, *, dry_run: bool, commit: bool = False) -> int:
    with writing(root) as repo:
        carry_out(repo, generate(repo), dry_run=dry_run, commit="generate" if commit else None)
    return 0
