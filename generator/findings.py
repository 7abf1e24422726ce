"""Finding: the one record every rule returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("info", "warning", "error")
SEVERITY: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Finding:
    rule: str
    level: Level
    file: str
    line: int
    column: int
    message: str
    operation: str | None = None
    pointer: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.file, f.line, f.column, f.rule, f.message, f.operation or ""))


def at_or_above(findings: Iterable[Finding], level: Level) -> list[Finding]:
    return [f for f in findings if SEVERITY[f.level] >= SEVERITY[level]]


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {level: 0 for level in ("error", "warning", "info")}
    for finding in findings:
        counts[finding.level] += 1
    return {**counts, "total": len(findings), "files": len({f.file for f in findings})}


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue: a stable id, the level of its findings, and one line saying what it checks."""

    id: str
    level: Level
    description: str

    def at(self, file: str, line: int, column: int, message: str) -> Finding:
        return Finding(self.id, self.level, file, line, column, message)

    def of(self, document: Any, message: str, pointer: tuple[str | int, ...] = (), *, key: bool = False) -> Finding:
        """A finding at `pointer` of a parsed YAML document (its key's position when `key`)."""
        return document.finding(self.id, message, pointer, key=key, level=self.level)
