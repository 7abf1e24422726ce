"""`lockstep verify --env ENV --check NAME --result passed|failed`: record a check's result for what ENV runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator import gitrefs
from generator.commands.writer import carry_out, writing
from generator.model import Result
from generator.operations.verify import verify


def run(
    root: Path | None,
    environment: str,
    check: str,
    result: Result,
    *,
    service: str | None = None,
    version: str | None = None,
    url: str | None = None,
    with_rollback: bool = False,
    dry_run: bool,
    commit: bool = False,
    now: datetime | None = None,
) -> int:
    with writing(root, now) as repo:
        verified = verify(
            repo,
            environment,
            check,
            result,
            gitrefs.author(repo.root),
            service=service,
            version=version,
            url=url,
            with_rollback=with_rollback,
        )
        carry_out(repo, verified.plan, dry_run=dry_run, commit=f"verify {environment}" if commit else None)
        if verified.then:
            print(verified.then)
    return 0
