"""`lockstep stamp`: a platform version for what the first environment runs (after a merge)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.stamp import stamp


def run(root: Path | None, *, dry_run: bool, commit: bool = False, now: datetime | None = None) -> int:
    with writing(root, now) as repo:
        carry_out(repo, stamp(repo), dry_run=dry_run, commit="stamp" if commit else None)
    return 0
