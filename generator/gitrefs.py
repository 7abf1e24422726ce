"""Git through its command line: make the initial commit of a generated repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.errors import UsageError

_FALLBACK_IDENTITY = ("-c", "user.name=lockstep", "-c", "user.email=lockstep@localhost")


def git(root: Path, *arguments: str) -> str:
    try:
        result = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise UsageError("git is not installed; lockstep needs it") from error
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise UsageError(f"git {arguments[0]} failed in {root}: {last}")
    return result.stdout


def has_identity(root: Path) -> bool:
    result = subprocess.run(["git", "config", "user.email"], cwd=root, capture_output=True, text=True,
                            check=False)
    return bool(result.stdout.strip())


def commit_all(root: Path, message: str, paths: list[str] | None = None) -> None:
    """`git init` (if needed), stage `paths` (default: everything) and commit."""
    if not (root / ".git").exists():
        git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--", *(paths or ["."]))
    identity = () if has_identity(root) else _FALLBACK_IDENTITY
    git(root, *identity, "commit", "--quiet", "--no-verify", "-m", message)
