"""`lockstep new DIR`: generate a platform repository, validate it, commit it, and only then move it into DIR."""

from __future__ import annotations

from pathlib import Path

from generator import gitrefs, scratch, templates, transaction, validators
from generator.answers import Answers
from generator.errors import Refused, UsageError
from generator.freeze import format_instant
from generator.repository import current_time, load_repo


def check_target(target: Path, *, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a directory")
    existing = next(parent for parent in target.absolute().parents if parent.exists())
    if not existing.is_dir():
        raise UsageError(f"{target}: {existing} is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target}: directory is not empty (use --force to write into it)")


def new(target: Path, plan: Answers, *, force: bool = False) -> list[str]:
    """Generate, validate and commit a platform repository at `target`; nothing is left on failure. It is made
    in a scratch folder beside `target` (the same file system), so that moving it into place is one rename; with
    `--force`, its files are written into `target` as one transaction, never through a symbolic link."""
    check_target(target, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    with scratch.folder("new", target.parent) as folder:
        staged = folder / "repo"
        written = templates.generate(plan, staged, format_instant(current_time()))
        errors = [f for f in validators.check(load_repo(staged)) if f.level == "error"]
        if errors:  # a bug in a template, or answers the schema let through
            first = errors[0]
            raise Refused(
                f"the generated repository has {len(errors)} error(s), "
                f"first {first.file}:{first.line}: {first.rule}: {first.message}"
            )
        if target.is_dir() and any(target.iterdir()):  # --force: write over what is there
            with transaction.locked(target):
                transaction.write(target, {relative: (staged / relative).read_bytes() for relative in written})
            gitrefs.init(target)
            gitrefs.commit(target, f"lockstep new: the {plan.name} platform", written)
        else:
            gitrefs.init(staged)
            gitrefs.commit(staged, f"lockstep new: the {plan.name} platform")
            if target.is_dir():
                target.rmdir()
            staged.rename(target)
    return written
