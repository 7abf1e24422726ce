"""`lockstep validate [--base REF [--head REF]] [--only FAMILY] [--format F] [--fail-on LEVEL]`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from generator import report, validation, validators
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


def list_rules(fmt: str) -> int:
    sys.stdout.write(report.RULES[fmt](validators.catalogue()))
    return 0
