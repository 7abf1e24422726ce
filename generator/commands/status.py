"""`lockstep status [--format text|json|markdown]`."""

from __future__ import annotations

import sys
from pathlib import Path

from generator import report
from generator.operations.status import status
from generator.repository import find_root, load_repo, require_loaded


def run(root: Path | None, fmt: str) -> int:
    sys.stdout.write(report.STATUS[fmt](status(require_loaded(load_repo(find_root(root))))))
    return 0
