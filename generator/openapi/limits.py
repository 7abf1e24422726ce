"""How much work one comparison may do, so that a small hostile contract cannot exhaust a CI runner. Past a
limit, loading stops with a LoadError, and diffing stops with one `api.limit` finding that says what was cut."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    findings: int = 1000  # findings of one pair of documents; the rest are counted in one api.limit finding
    nodes: int = 1_000_000  # values one document may expand to through YAML aliases (an alias bomb stops here)

    @classmethod
    def of(cls, findings: int | None, nodes: int | None) -> Limits:
        """The limits a command line asked for, the defaults for what it did not say."""
        return cls(findings or cls.findings, nodes or cls.nodes)


DEFAULT = Limits()
