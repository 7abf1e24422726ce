"""How a writer command shows and applies its plan (`carry_out`), under the lock `writing` takes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from generator import gitrefs, transaction
from generator.operations import Plan
from generator.repository import OPERATING, Repo, current_time, find_root, load_repo, require_loaded


@contextlib.contextmanager
def writing(root: Path | None, now: datetime | None = None) -> Iterator[Repo]:
    """The repository (`root`, or found from here upwards), loaded under the writer lock (an interrupted write is
    finished or undone first), which is held until the command has written its change. What the writers operate
    on is loaded (the manifest, the state, the answers); their change's check loads what the change can affect.
    `now` (`--now`, default the UTC clock) is the time the change records and its gates judge."""
    found = find_root(root)
    with transaction.locked(found):
        repo = require_loaded(load_repo(found, focus=OPERATING))
        repo.now = now or current_time()
        yield repo


def carry_out(repo: Repo, plan: Plan, *, dry_run: bool, commit: str | None = None) -> list[str]:
    """Check and write the plan, then say what was done (and with `commit`, commit the files written, with that
    message); with `dry_run`, print the plan and its diff, then check it. Either way a refused change raises
    Refused (exit 1, nothing written), so a dry run exits as the real run would. Returns the paths written (none
    on a dry run)."""
    if dry_run:
        print(plan.summary)
        sys.stdout.write(plan.change.diff(repo))
        plan.change.check(repo)
        return []
    written = plan.change.apply(repo)
    print(plan.summary)  # only once it is true
    for relative in written:
        print(f"wrote {relative}")
    if commit is not None and written:
        subject, _, body = plan.summary.partition("\n")  # a summary's further lines are the message's body
        gitrefs.commit(repo.root, f"{commit}: {subject}" + (f"\n\n{body}" if body else ""), written)
        print(f"committed: {commit}: {subject}")
    return written
