"""`lockstep tag`: the git tag `platform-vX.Y.Z` of every released platform version, and the branch `X.Y-release`
of every release line, each at the commit that added the release to the ledger.

Run after the merge (the trunk workflow does), never on a local copy of a protected main: the commit it tags
is the one the merge made. Idempotent: what exists is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import gitrefs, layout, versions
from generator.repository import Repo


@dataclass(frozen=True)
class Ref:
    kind: str  # "tag" or "branch"
    name: str
    commit: str
    version: str


def refs_for(version: str) -> tuple[str, str]:
    """The release branch and tag of a platform version: `X.Y-release`, `platform-vX.Y.Z`."""
    parsed = versions.parse(version)
    return f"{parsed.major}.{parsed.minor}-release", f"platform-v{version}"


def missing_refs(repo: Repo) -> list[Ref]:
    """The tags and branches the ledger's releases should have and do not: each at the commit that added the
    release file (a release not committed yet is left for a later run)."""
    found: list[Ref] = []
    branches: set[str] = set()
    for version in sorted(repo.releases, key=versions.parse):
        if versions.is_prerelease(version):
            continue
        branch, tag = refs_for(version)
        commit = gitrefs.added_in(repo.root, layout.release(version))
        if commit is None:
            continue
        if not gitrefs.ref_exists(repo.root, f"refs/tags/{tag}"):
            found.append(Ref("tag", tag, commit, version))
        if branch not in branches and not gitrefs.ref_exists(repo.root, f"refs/heads/{branch}"):
            found.append(Ref("branch", branch, commit, version))
        branches.add(branch)
    return found


def make(repo: Repo, refs: list[Ref]) -> None:
    for ref in refs:
        if ref.kind == "tag":
            gitrefs.create_tag(repo.root, ref.name, ref.commit, f"platform {ref.version}")
        else:
            gitrefs.create_branch(repo.root, ref.name, ref.commit)
