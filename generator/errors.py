"""The two ways a command stops early; the CLI maps them to exit codes in one place."""

from __future__ import annotations


class UsageError(Exception):
    """Bad usage or unreadable input: exit 2, one line, nothing written."""


class Refused(Exception):
    """The change would break a rule: exit 1, nothing written."""
