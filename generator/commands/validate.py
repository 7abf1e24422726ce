"""`lockstep validate [--base REF [--head REF]] [--only FAMILY] [--format F] [--report F=PATH] [--fail-on LEVEL]`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator import report, rule_levels, validation, validators
from generator.commands import output
from generator.errors import LoadError, UsageError
from generator.findings import Level, at_or_above
from generator.openapi.limits import Limits
from generator.report.record import Context, Report
from generator.repository import Repo, find_root, require_loaded


def run(
    root: Path | None,
    families: Sequence[str] | None,
    base: str | None,
    head: str | None,
    fmt: str,
    fail_on: Level,
    limits: tuple[int | None, int | None] = (None, None),
    files: Sequence[str] = (),
    *,
    reports: Sequence[str] | None = None,
    link_base: str | None = None,
    render: bool = False,
    now: datetime | None = None,
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default). `files`: check only what a change of these can affect (the pre-commit hooks pass the staged ones).
    `reports`: FORMAT=PATH, each written besides stdout's `fmt`. `render`: helm renders the charts for the
    `manifests` family."""
    unknown = [name for name in families or () if name not in validators.FAMILIES]
    if unknown:
        raise UsageError(f"--only: no rule family `{unknown[0]}` (families: {', '.join(validators.FAMILIES)})")
    chosen = output.outputs(fmt, reports, link_base)
    selected = families or tuple(validators.FAMILIES)
    found = find_root(root)
    repo, findings = validation.checked(
        found,
        selected,
        base=base,
        head=head,
        limits=Limits.of(*limits),
        paths=_inside(found, files) if files else None,
        render=render,
        now=now,
    )
    markdown = "markdown" in chosen.formats
    made = Report(
        "validate",
        tuple(findings),
        tuple(rule for name in dict.fromkeys(selected) for rule in validators.FAMILIES[name].RULES),
        fail_on,
        context=_context(repo, base) if markdown else None,
        link_base=chosen.link_base
        or (output.github_link_base(os.environ, lambda: output.commit_of(found, head or "HEAD")) if markdown else None),
    )
    output.emit(chosen, made)
    return 1 if at_or_above(findings, fail_on) else 0


def _context(repo: Repo, base: str | None) -> Context:
    """The platform around the findings: its matrix when the manifest and every lock load, and what the change
    moves since `base`. Imported here: only the markdown report needs them, and the hook wants a quick start."""
    from generator.operations.moves import moves, overrides
    from generator.operations.status import status

    try:
        matrix = status(require_loaded(repo))
    except (LoadError, UsageError):
        matrix = None
    return Context(matrix, moves(repo), base, overrides(repo))


def _inside(root: Path, files: Sequence[str]) -> list[str]:
    """The files given on the command line (relative to the current folder, as pre-commit passes them), as paths
    relative to the repository root; those outside it are left out."""
    top = os.path.abspath(root)
    inside = [os.path.relpath(os.path.abspath(name), top) for name in files]
    return [Path(name).as_posix() for name in inside if name != ".." and not name.startswith(".." + os.sep)]


def list_rules(fmt: str, root: Path | None = None) -> int:
    """The catalogue, with the levels of the repository's .lockstep/config.yaml where it changes them (the
    repository: `root`, or the one found from here upwards, if any)."""
    try:
        levels = rule_levels.of_repository(find_root(root))
    except UsageError:  # not in a repository: the catalogue as it is
        levels = None
    sys.stdout.write(report.RULES[fmt](rule_levels.listed(validators.catalogue(), levels)))
    return 0
