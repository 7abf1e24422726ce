"""`lockstep release [--patch|--minor|--major] [--branch]`."""

from __future__ import annotations

from pathlib import Path

from generator import versions
from generator.commands import carry_out, writing
from generator.operations.release import branch_and_tag, release


def run(root: Path, level: versions.Level, *, branch: bool, dry_run: bool) -> int:
    with writing(root) as repo:
        plan, version = release(repo, level, branch=branch)
        written = carry_out(repo, plan, dry_run=dry_run)
        if branch and not dry_run:
            print(f"committed; {branch_and_tag(root, version, written)}")
    return 0
