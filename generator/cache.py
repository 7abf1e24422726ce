"""A small store of JSON entries in the repository's git directory, as mypy and ruff keep theirs: what parsing
a file gave, kept by the file's repository path and a key that the caller derives from the file's content.

The store lives in `<git dir>/lockstep/`, found by looking for `.git` from the repository upwards (no git process
is started); outside git there is none, and nothing is ever written elsewhere. It is bounded: each path keeps its
`KEEP` most recent entries (a pull request's base and head, a branch switched back and forth), so it grows with
the number of files, never with the number of commits. Every write is a temporary file renamed into place, so
concurrent processes see a whole entry or none; an entry that cannot be read, is not JSON, or was written for
another key is no entry; a git directory that cannot be written to means no store, never an error.
`LOCKSTEP_NO_CACHE=1` turns every store off (nothing read, nothing written): the results are the same, only slower.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

try:  # the same BLAKE2 as hashlib's, without the 4-6 ms that importing hashlib (and OpenSSL) adds to every run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

FOLDER = "lockstep"
KEEP = 4  # entries per path
STALE = 3600.0  # seconds after which a temporary file left by a killed writer is removed


def git_dir(root: Path) -> Path | None:
    """The git directory of the repository that `root` is in: the `.git` folder of `root` or of the nearest folder
    above it, or where a `.git` file (a linked worktree, a submodule) points; None outside git."""
    folder = Path(os.path.realpath(root))
    for candidate in (folder, *folder.parents):
        dot = candidate / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            try:
                line = dot.read_text("utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            target = candidate / line.removeprefix("gitdir:").strip()
            return target if target.is_dir() else None
    return None


def digest(*parts: bytes) -> str:
    """A hex digest of `parts` that no other sequence of parts has."""
    hashed = blake2b(digest_size=32)
    for part in parts:
        hashed.update(len(part).to_bytes(8, "big"))
        hashed.update(part)
    return hashed.hexdigest()


class Store:
    """The entries under `folder` (one folder per path, one file per key)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writable = True

    def _entries(self, path: str) -> Path:
        return self.folder / digest(path.encode("utf-8", "surrogateescape"))[:32]

    def get(self, path: str, key: str) -> dict[str, Any] | None:
        """The entry stored for `path` under `key`; None when there is none that reads as one."""
        try:
            with open(self._entries(path) / f"{key}.json", "rb") as stream:
                entry = json.loads(stream.read())
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON (UnicodeError is a ValueError)
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("value"), dict):
            return None
        value: dict[str, Any] = entry["value"]
        return value

    def put(self, path: str, key: str, value: dict[str, Any]) -> None:
        """Store `value` for `path` under `key` and drop that path's older entries; nothing when the store cannot
        be written (and, from then on, no further attempt)."""
        if not self.writable:
            return
        try:
            text = json.dumps({"key": key, "value": value}, ensure_ascii=False, separators=(",", ":"))
        except (ValueError, TypeError, RecursionError):
            return
        folder = self._entries(path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        except OSError:
            self.writable = False
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, folder / f"{key}.json")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            self.writable = False
            return
        _prune(folder)


def _prune(folder: Path) -> None:
    """Keep the KEEP newest entries of one path (another process may be pruning too: whatever is gone is gone)."""
    entries: list[tuple[float, str]] = []
    stale: list[str] = []
    try:
        with os.scandir(folder) as found:
            for item in found:
                with contextlib.suppress(OSError):
                    modified = item.stat().st_mtime
                    if item.name.endswith(".json"):
                        entries.append((modified, item.name))
                    elif item.name.endswith(".tmp") and time.time() - modified > STALE:
                        stale.append(item.name)
    except OSError:
        return
    entries.sort(reverse=True)
    for name in [name for _, name in entries[KEEP:]] + stale:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)


def code_version(sources: Iterable[Path], packages: Iterable[str] = ()) -> bytes:
    """What an entry depends on besides its input: lockstep's version, the bytes of `sources` (the modules that
    compute it: a build between two versions must not read what another build stored) and, of each installed
    package in `packages` (found, not imported), every file's name, size and time (another parser, another
    entry)."""
    from importlib.util import find_spec

    from generator import __version__

    parts = [__version__.encode()]
    try:
        parts += [path.read_bytes() for path in sources]
        for package in packages:
            found = find_spec(package)
            if found is not None and found.origin:
                with os.scandir(Path(found.origin).parent) as entries:
                    for entry in sorted(entries, key=lambda item: item.name):
                        if entry.is_file():
                            status = entry.stat()
                            parts.append(f"{package}/{entry.name} {status.st_size} {status.st_mtime_ns}".encode())
    except OSError:  # pragma: no cover - a module without its source file
        return __version__.encode()
    return digest(*parts).encode()


def disabled() -> bool:
    """True when LOCKSTEP_NO_CACHE is set (to anything but empty or `0`): no store is read or written."""
    return os.environ.get("LOCKSTEP_NO_CACHE", "") not in ("", "0")


def for_repository(root: Path, kind: str) -> Store | None:
    """The store of `kind` entries for the repository `root` is in; None outside git or with LOCKSTEP_NO_CACHE."""
    if disabled():
        return None
    found = git_dir(root)
    return Store(found / FOLDER / kind) if found is not None else None
