"""`lockstep tag`: the tags and release branches of the released platform versions (after a merge)."""

from __future__ import annotations

from pathlib import Path

from generator.commands.writer import writing
from generator.operations.tag import make, missing_refs


def run(root: Path | None, *, dry_run: bool) -> int:
    with writing(root) as repo:
        refs = missing_refs(repo)
        if not dry_run:
            make(repo, refs)
    verb = "would make" if dry_run else "made"
    for ref in refs:
        print(f"{verb} {ref.kind} {ref.name} at {ref.commit[:12]} (platform {ref.version})")
    if not refs:
        print("every released platform version has its tag and its release branch")
    return 0
