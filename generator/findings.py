"""Finding: the one record every rule returns, and Rule: one entry of a rule catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("info", "warning", "error")
SEVERITY: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}
Pointer = tuple[str | int, ...]


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


EXCERPT = 80  # characters of file content a message may quote


def excerpt(text: object, limit: int = EXCERPT) -> str:
    """Content from a file as a message may quote it: one line, control characters escaped, at most `limit`
    characters (then `...`). A finding never carries more of a file than this."""
    shown = str(text)
    cut = len(shown) > limit
    shown = shown[:limit]
    escaped = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in shown)
    return escaped + ("..." if cut else "")


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.file, f.line, f.column, f.rule, f.message, f.operation or ""))


def at_or_above(findings: Iterable[Finding], level: Level) -> list[Finding]:
    return [f for f in findings if SEVERITY[f.level] >= SEVERITY[level]]


class Located(Protocol):
    """A parsed file that knows where each of its values was written (yamlio.Document)."""

    def finding(
        self, rule: str, message: str, pointer: Pointer = (), *, key: bool = False, level: Level = "error"
    ) -> Finding: ...


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue: a stable id, the level of its findings, and one line saying what it checks."""

    id: str
    level: Level
    description: str

    def at(self, file: str, line: int, column: int, message: str) -> Finding:
        return Finding(self.id, self.level, file, line, column, message)

    def of(self, document: Located, message: str, pointer: Pointer = (), *, key: bool = False) -> Finding:
        """A finding at `pointer` of a parsed YAML document (its key's position when `key`)."""
        return document.finding(self.id, message, pointer, key=key, level=self.level)
