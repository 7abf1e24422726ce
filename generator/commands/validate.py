"""`lockstep validate [--base REF [--head REF]] [--only FAMILY] [--format F] [--fail-on LEVEL]`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from generator import report, rule_levels, validation, validators
from generator.errors import UsageError
from generator.findings import Level, at_or_above
from generator.openapi.limits import Limits
from generator.repository import find_root


def run(
    root: Path | None,
    families: Sequence[str] | None,
    base: str | None,
    head: str | None,
    fmt: str,
    fail_on: Level,
    limits: tuple[int | None, int | None] = (None, None),
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default)."""
    unknown = [name for name in families or () if name not in validators.FAMILIES]
    if unknown:
        raise UsageError(f"--only: no rule family `{unknown[0]}` (families: {', '.join(validators.FAMILIES)})")
    findings = validation.run(
        find_root(root), families or tuple(validators.FAMILIES), base=base, head=head, limits=Limits.of(*limits)
    )
    sys.stdout.write(report.FINDINGS[fmt](findings))
    return 1 if at_or_above(findings, fail_on) else 0


def list_rules(fmt: str, root: Path | None = None) -> int:
    """The catalogue, with the levels of the repository's .lockstep/config.yaml where it changes them (the
    repository: `root`, or the one found from here upwards, if any)."""
    try:
        levels = rule_levels.of_repository(find_root(root))
    except UsageError:  # not in a repository: the catalogue as it is
        levels = None
    sys.stdout.write(report.RULES[fmt](rule_levels.listed(validators.catalogue(), levels)))
    return 0
