"""`lockstep bump SERVICE [patch|minor|major] [--version X.Y.Z]`."""

from __future__ import annotations

from pathlib import Path

from generator import versions
from generator.commands.writer import carry_out, writing
from generator.operations.bump import bump


def run(
    root: Path | None,
    service: str,
    level: versions.Level | None,
    version: str | None,
    *,
    dry_run: bool,
    commit: bool = False,
) -> int:
    with writing(root) as repo:
        carry_out(repo, bump(repo, service, level, version), dry_run=dry_run, commit="bump" if commit else None)
    return 0
