"""`lockstep bump SERVICE [patch|minor|major] [--version X.Y.Z] [--image REF --chart sha256:...] | --next`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator import versions
from generator.commands.writer import carry_out, writing
from generator.errors import UsageError
from generator.operations.bump import bump, next_version
from generator.operations.promote import overridden
from generator.repository import find_root, load_repo, platform_of, require_loaded


def run(
    root: Path | None,
    service: str,
    level: versions.Level | None,
    version: str | None,
    *,
    dry_run: bool,
    commit: bool = False,
    now: datetime | None = None,
    image: str | None = None,
    chart: str | None = None,
    overrides: Sequence[tuple[str, str]] = (),
) -> int:
    """`overrides`: (gate, reason) pairs (`--override GATE --reason TEXT`) of the first environment's gates."""
    with writing(root, now) as repo:
        first = platform_of(repo).path[0]
        plan = overridden(repo, bump(repo, service, level, version, image, chart), first, overrides)
        carry_out(repo, plan, dry_run=dry_run, commit="bump" if commit else None)
    return 0


def show_next(root: Path | None, service: str, level: versions.Level | None, *, given: list[str]) -> int:
    """`--next`: the version a bump would give, alone on one line (the build pipeline builds it); nothing written.
    `given`: the options that make no sense with it."""
    if given:
        raise UsageError(f"--next prints the version a bump would give and writes nothing: it takes no {given[0]}")
    repo = require_loaded(load_repo(find_root(root)))
    print(next_version(repo, service, level))
    return 0
