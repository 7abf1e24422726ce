"""`lockstep status [--format text|json|markdown]`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from generator import report
from generator.operations.status import status
from generator.repository import current_time, find_root, load_repo, require_loaded


def run(root: Path | None, fmt: str, now: datetime | None = None) -> int:
    repo = require_loaded(load_repo(find_root(root)))
    repo.now = now or current_time()  # what the gates hold, judged at `--now`
    sys.stdout.write(report.STATUS[fmt](status(repo)))
    return 0
