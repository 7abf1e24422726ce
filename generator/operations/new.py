"""`lockstep new DIR`: generate a platform repository, validate it, commit it, and only then move it into DIR."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from generator import gitrefs, templates, validators
from generator.answers import Answers
from generator.errors import Refused, UsageError
from generator.operations import utc_now
from generator.repository import load_repo


def check_target(target: Path, *, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a directory")
    existing = next(parent for parent in target.absolute().parents if parent.exists())
    if not existing.is_dir():
        raise UsageError(f"{target}: {existing} is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target}: directory is not empty (use --force to write into it)")


def new(target: Path, plan: Answers, *, force: bool = False) -> list[str]:
    """Generate, validate and commit a platform repository at `target`; nothing is left on failure."""
    check_target(target, force=force)
    with tempfile.TemporaryDirectory(prefix="lockstep-new-") as scratch:
        staged = Path(scratch) / "repo"
        written = templates.generate(plan, staged, utc_now())
        errors = [f for f in validators.check(load_repo(staged)) if f.level == "error"]
        if errors:  # a bug in a template, or answers the schema let through
            first = errors[0]
            raise Refused(
                f"the generated repository has {len(errors)} error(s), "
                f"first {first.file}:{first.line}: {first.rule}: {first.message}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and any(target.iterdir()):  # --force: write over what is there
            shutil.copytree(staged, target, dirs_exist_ok=True)
            gitrefs.init(target)
            gitrefs.commit(target, f"lockstep new: the {plan.name} platform", written)
        else:
            gitrefs.init(staged)
            gitrefs.commit(staged, f"lockstep new: the {plan.name} platform")
            if target.is_dir():
                target.rmdir()
            shutil.move(str(staged), str(target))
    return written
