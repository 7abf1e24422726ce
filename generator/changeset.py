"""A set of file writes that is checked as a whole before any of it touches the repository."""

from __future__ import annotations

import difflib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator import layout, yamlio
from generator.errors import Refused
from generator.findings import Finding
from generator.model import Lock, Release, Rollbacks


@dataclass
class Changeset:
    files: dict[str, str] = field(default_factory=dict)  # relative path -> new text

    def write(self, relative: str, text: str) -> None:
        self.files[relative] = text

    def write_lock(self, lock: Lock) -> None:
        self.write(layout.lock(lock.environment), yamlio.dumps(lock.as_data()))

    def write_release(self, release: Release) -> None:
        self.write(layout.release(release.version), yamlio.dumps(release.as_data()))

    def write_rollbacks(self, rollbacks: Rollbacks) -> None:
        self.write(layout.rollbacks(rollbacks.environment), yamlio.dumps(rollbacks.as_data()))

    def preview(self, root: Path) -> str:
        """What `--dry-run` prints: a unified diff of every file the change writes."""
        chunks: list[str] = []
        for relative, text in sorted(self.files.items()):
            path = root / relative
            old = path.read_text("utf-8").splitlines(keepends=True) if path.is_file() else []
            chunks.extend(
                difflib.unified_diff(
                    old, text.splitlines(keepends=True), f"a/{relative}" if old else "/dev/null", f"b/{relative}"
                )
            )
        return "".join(chunks)

    def new_errors(self, root: Path) -> list[Finding]:
        """Errors that the repository would have after the change and does not have now."""
        from generator import validators
        from generator.repository import load_repo

        if not self.files:
            return []
        before = {(f.rule, f.file, f.message) for f in validators.check(load_repo(root)) if f.level == "error"}
        with tempfile.TemporaryDirectory(prefix="lockstep-check-") as scratch:
            staged = Path(scratch) / "repo"
            shutil.copytree(root, staged, ignore=shutil.ignore_patterns(".git"), symlinks=True)
            self._write_into(staged)
            after = validators.check(load_repo(staged))
        return [f for f in after if f.level == "error" and (f.rule, f.file, f.message) not in before]

    def _write_into(self, root: Path) -> None:
        for relative, text in self.files.items():
            yamlio.write_atomic(root / relative, text)

    def apply(self, root: Path) -> list[str]:
        """Refuse (nothing written) if the change adds an error; else write every file atomically."""
        errors = self.new_errors(root)
        if errors:
            first = errors[0]
            raise Refused(
                f"refused, nothing written: the change would give {len(errors)} error(s), first "
                f"{first.file}:{first.line}: {first.rule}: {first.message}"
            )
        self._write_into(root)
        return sorted(self.files)
