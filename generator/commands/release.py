"""`lockstep release [--patch|--minor|--major]`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator import versions
from generator.commands.writer import carry_out, writing
from generator.operations.release import release


def run(
    root: Path | None, level: versions.Level, *, dry_run: bool, commit: bool = False, now: datetime | None = None
) -> int:
    with writing(root, now) as repo:
        carry_out(repo, release(repo, level), dry_run=dry_run, commit="release" if commit else None)
    return 0
