"""`lockstep validate` as a function: load the working tree (or a head ref) and, in pull-request mode, the base
ref beside it, then run the rule families."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator import validators
from generator.findings import Finding
from generator.openapi.limits import DEFAULT, Limits
from generator.repository import Repo, load_for_validation


def checked(
    root: Path,
    families: Iterable[str] = validators.FAMILIES,
    *,
    base: str | None = None,
    head: str | None = None,
    limits: Limits = DEFAULT,
    paths: Iterable[str] | None = None,
) -> tuple[Repo, list[Finding]]:
    """The repository as loaded (with its base in pull-request mode) and its findings; with `paths`, only what a
    change of those files can affect."""
    repo = load_for_validation(root, base=base, head=head, limits=limits, paths=paths)
    return repo, validators.check(repo, families)


def run(
    root: Path,
    families: Iterable[str] = validators.FAMILIES,
    *,
    base: str | None = None,
    head: str | None = None,
    limits: Limits = DEFAULT,
    paths: Iterable[str] | None = None,
) -> list[Finding]:
    """With `paths`, only what a change of those files can affect (see repository.focus_of)."""
    return checked(root, families, base=base, head=head, limits=limits, paths=paths)[1]
