"""Load a platform repository from disk: every lockstep file parsed, schema-checked and turned into records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import layout, schemas, yamlio
from generator.errors import UsageError
from generator.findings import Finding
from generator.model import Lock, Platform, Release, Rollbacks
from generator.yamlio import Document

if TYPE_CHECKING:
    from generator.openapi.loader import Spec


@dataclass
class Repo:
    root: Path
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    platform: Platform | None = None
    locks: dict[str, Lock] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)  # by version
    release_files: dict[str, Release] = field(default_factory=dict)  # by file, whatever the file is named
    rollbacks: dict[str, Rollbacks] = field(default_factory=dict)
    base: Repo | None = None  # pull-request mode: the repository at the base ref

    _contracts: dict[str, Any] = field(default_factory=dict)

    def document(self, relative: str) -> Document | None:
        return self.documents.get(relative)

    def contract(self, relative: str) -> Spec:
        """The API contract at `relative`, parsed once; UsageError when it is not an OpenAPI 3.x document."""
        from generator.openapi import loader

        if relative not in self._contracts:
            try:
                self._contracts[relative] = loader.load(relative, cwd=self.root)
            except UsageError as error:
                self._contracts[relative] = error
        found = self._contracts[relative]
        if isinstance(found, UsageError):
            raise found
        return found


def _read(repo: Repo, relative: str, kind: str) -> Document:
    doc = yamlio.load(repo.root, relative)
    repo.documents[relative] = doc
    repo.problems.extend(doc.problems)
    found = schemas.validate(doc, kind)
    repo.problems.extend(found)
    if any(f.level == "error" for f in found):
        doc.data = None  # records are built from schema-valid data only
    return doc


def lock_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / layout.ENVIRONMENTS_DIR).glob("*/platform.lock.yaml"))


def rollback_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / layout.ENVIRONMENTS_DIR).glob("*/rollbacks.yaml"))


def release_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / layout.RELEASES_DIR).glob("*.yaml"))


def load_repo(root: Path) -> Repo:
    """Parse everything lockstep owns under `root`; problems become findings, never exceptions."""
    if not (root / layout.PLATFORM).is_file():
        raise UsageError(f"{root}: not a lockstep repository ({layout.PLATFORM} not found)")
    repo = Repo(root)
    doc = _read(repo, layout.PLATFORM, "platform")
    if doc.ok:
        repo.platform = Platform.from_data(doc.data)
    for relative in lock_files(root):
        doc = _read(repo, relative, "lock")
        if doc.ok:
            repo.locks[relative.split("/")[1]] = Lock.from_data(doc.data)
    for relative in rollback_files(root):
        doc = _read(repo, relative, "rollbacks")
        if doc.ok:
            repo.rollbacks[relative.split("/")[1]] = Rollbacks.from_data(doc.data)
    for relative in release_files(root):
        doc = _read(repo, relative, "release")
        if doc.ok:
            release = Release.from_data(doc.data)
            repo.release_files[relative] = release
            repo.releases[release.version] = release
    if (root / layout.ANSWERS).is_file():
        _read(repo, layout.ANSWERS, "answers")
    return repo
