"""`lockstep add-service NAME --language L [--port P]`."""

from __future__ import annotations

from pathlib import Path

from generator.commands import carry_out, writing
from generator.operations.add_service import add_service


def run(root: Path, name: str, language: str, port: str | None, *, dry_run: bool) -> int:
    with writing(root) as repo:
        carry_out(repo, add_service(repo, name, language, port), dry_run=dry_run)
    return 0
