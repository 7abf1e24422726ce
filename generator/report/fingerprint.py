"""Fingerprints that follow a finding from run to run (SARIF's partialFingerprints, GitLab's fingerprint): made of
what the finding is, never of where its line happens to be, so an edit above it does not make it a new finding."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding


def fingerprints(findings: list[Finding]) -> list[str]:
    """One hex SHA-256 per finding, in order: rule, file, operation, pointer and message, then how many findings
    with all of those came before it (two identical messages in one file stay two)."""
    seen: dict[tuple[str, ...], int] = {}
    made = []
    for finding in findings:
        key = (finding.rule, finding.file, finding.operation or "", finding.pointer or "", finding.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        made.append(hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8", "surrogatepass")).hexdigest())
    return made
