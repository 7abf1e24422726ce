"""`lockstep promote ENV [--version X.Y.Z | --service S [--version V]]`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator.commands.writer import carry_out, writing
from generator.operations.promote import overridden, promote


def run(
    root: Path | None,
    environment: str,
    version: str | None,
    service: str | None,
    *,
    dry_run: bool,
    commit: bool = False,
    now: datetime | None = None,
    overrides: Sequence[tuple[str, str]] = (),
) -> int:
    """`overrides`: (gate, reason) pairs (`--override GATE --reason TEXT`), recorded in the same change."""
    with writing(root, now) as repo:
        plan = overridden(repo, promote(repo, environment, version=version, service=service), environment, overrides)
        carry_out(repo, plan, dry_run=dry_run, commit=f"promote {environment}" if commit else None)
    return 0
