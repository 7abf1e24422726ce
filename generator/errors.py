"""The three ways a command stops early; the CLI maps them to exit codes in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding


class UsageError(Exception):
    """The user asked for something that cannot be done as asked (a bad option, an unknown ref): exit 2,
    one line, nothing written."""


class LoadError(Exception):
    """A file could not be loaded: which file, where, and why, as a finding. Inside a repository the loader
    turns it into that finding; for a file named on the command line the CLI prints it (exit 2)."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(f"{finding.file}:{finding.line}:{finding.column}: {finding.message}")
        self.finding = finding


class Refused(Exception):
    """The change would break a rule: exit 1, nothing written (the message says so, here and only here)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"refused, nothing written: {reason}")
