"""One module per command, each with a `run(...)` that the CLI calls with the parsed options and whose result is
the exit code. Commands load, call an operation or the validators, and print; the shared way a writer shows and
applies its plan is `carry_out`, under the lock `writing` takes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from generator import transaction
from generator.operations import Plan
from generator.repository import Repo, load_repo, require_loaded


@contextlib.contextmanager
def writing(root: Path) -> Iterator[Repo]:
    """The repository, loaded under the writer lock (an interrupted write is finished or undone first), which is
    held until the command has written its change."""
    with transaction.locked(root):
        yield require_loaded(load_repo(root))


def carry_out(repo: Repo, plan: Plan, *, dry_run: bool) -> list[str]:
    """Check and write the plan, then say what was done; with `dry_run`, print the plan and its diff, then check
    it. Either way a refused change raises Refused (exit 1, nothing written), so a dry run exits as the real run
    would. Returns the paths written (none on a dry run)."""
    if dry_run:
        print(plan.summary)
        sys.stdout.write(plan.change.diff(repo))
        plan.change.check(repo)
        return []
    written = plan.change.apply(repo)
    print(plan.summary)  # only once it is true
    for relative in written:
        print(f"wrote {relative}")
    return written
