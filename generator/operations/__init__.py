"""State-changing operations, one module each: bump, release, promote. Each computes a Plan (the files it
would write and a summary); the CLI shows it (--dry-run) or applies it (validated as a whole, atomic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from generator.changeset import Changeset
from generator.errors import UsageError
from generator.model import Platform
from generator.repository import Repo, load_repo


@dataclass
class Plan:
    summary: str
    change: Changeset = field(default_factory=Changeset)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_valid(root: Path) -> tuple[Repo, Platform]:
    """The repository, refusing to operate on one whose manifest does not even load."""
    repo = load_repo(root)
    if repo.platform is None:
        raise UsageError(f"{root}/platform.yaml has errors; run `lockstep validate` first")
    return repo, repo.platform
