"""`lockstep validate`: the working tree (or a head ref), and in pull-request mode the base ref beside it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator import gitrefs, layout, validators
from generator.findings import Finding
from generator.repository import Repo, load_repo

# What the base ref must provide: the manifest, the locks and the ledger.
BASE_PATHS = (layout.PLATFORM, layout.ENVIRONMENTS_DIR, layout.RELEASES_DIR)


def load_base(root: Path, ref: str, scratch: Path) -> Repo | None:
    """The repository as it was at `ref` (manifest, locks, ledger, and the folders of the API contracts);
    None where lockstep did not manage it yet."""
    destination = scratch / "base"
    gitrefs.export_tree(root, ref, destination, BASE_PATHS)
    if not (destination / layout.PLATFORM).is_file():
        return None
    repo = load_repo(destination)
    if repo.platform is not None:
        folders = sorted({str(PurePosixPath(service.api).parent) for service in repo.platform.services.values()})
        gitrefs.export_tree(root, ref, destination, tuple(folders))
    return repo


def run(
    root: Path, families: Iterable[str] = validators.FAMILIES, *, base: str | None = None, head: str | None = None
) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="lockstep-validate-") as scratch:
        tree = root
        if head is not None:
            tree = Path(scratch) / "head"
            gitrefs.export_tree(root, head, tree)
        repo = load_repo(tree)
        if base is not None:
            repo.base = load_base(root, base, Path(scratch))
        return validators.check(repo, families)
