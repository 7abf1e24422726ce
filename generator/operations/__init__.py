"""State-changing operations, one module each: bump, release, promote, rollback. Each computes a Plan (the files it
would write and a summary); the CLI shows it (--dry-run) or applies it (validated as a whole, atomic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from generator import layout
from generator.changeset import Changeset
from generator.errors import Refused, UsageError
from generator.model import Environment, Lock, Platform
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


def refuse(message: str) -> Refused:
    """A change that would break a rule: exit 1, nothing written."""
    return Refused(f"refused, nothing written: {message}")


def lock_of(repo: Repo, environment: str) -> Lock:
    """The lock of `environment`; UsageError when it is missing or does not load."""
    lock = repo.locks.get(environment)
    if lock is None:
        raise UsageError(f"{layout.lock(environment)} is missing or invalid; run `lockstep validate` first")
    return lock


def environment_of(platform: Platform, name: str) -> Environment:
    """The environment called `name`; UsageError naming the promotion path when there is none."""
    found = platform.environment(name)
    if found is None:
        raise UsageError(f"`{name}` is not an environment of {layout.PLATFORM} (path: {' -> '.join(platform.path)})")
    return found
