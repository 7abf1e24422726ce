"""Scratch folders (hadolint's copy of the Dockerfiles, a template being rendered, a platform being generated):
named after the process that made them, so that one left by a killed process is removed by the next one."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_NAME = re.compile(r"^\.?lockstep-[a-z]+-(?P<pid>[0-9]+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep(parent: Path | None = None) -> None:
    """Remove the scratch folders of lockstep processes that no longer run (they were killed)."""
    parent = parent or Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            match = _NAME.match(entry.name)
            if match and entry.is_dir(follow_symlinks=False) and not _alive(int(match["pid"])):
                shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def folder(purpose: str, parent: Path | None = None) -> Iterator[Path]:
    """A new empty folder `lockstep-PURPOSE-PID-XXXX` in the temporary folder (hidden, with a leading dot, in
    another `parent`), removed afterwards, and by the next run if this one is killed."""
    sweep(parent)
    hidden = "." if parent is not None else ""
    made = Path(tempfile.mkdtemp(prefix=f"{hidden}lockstep-{purpose}-{os.getpid()}-", dir=parent))
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)
