"""`lockstep remove-service NAME`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.remove_service import remove_service


def run(root: Path | None, name: str, *, dry_run: bool, commit: bool = False, now: datetime | None = None) -> int:
    with writing(root, now) as repo:
        carry_out(repo, remove_service(repo, name), dry_run=dry_run, commit="remove-service" if commit else None)
    return 0
