"""`lockstep add-service NAME --language L [--port P] [--rollout R]`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.add_service import add_service


def run(
    root: Path | None,
    name: str,
    language: str,
    port: str | None,
    rollout: str | None = None,
    *,
    dry_run: bool,
    commit: bool = False,
    now: datetime | None = None,
) -> int:
    with writing(root, now) as repo:
        plan = add_service(repo, name, language, port, rollout)
        carry_out(repo, plan, dry_run=dry_run, commit="add-service" if commit else None)
    return 0
