"""Git through its command line: commits of generated files, branches and tags, and trees of a ref.

Trees are read with `git ls-tree` and `git archive`, never by walking history, so a shallow clone in
which the base ref was fetched alone is enough for pull-request mode.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.tree import MAX_BYTES, too_large

_FALLBACK_IDENTITY = ("-c", "user.name=lockstep", "-c", "user.email=lockstep@localhost")


def _run(root: Path, arguments: tuple[str, ...], *, binary: bool = False) -> subprocess.CompletedProcess[Any]:
    try:
        return subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=not binary, check=False)
    except FileNotFoundError as error:
        raise UsageError("git is not installed; lockstep needs it") from error


def git(root: Path, *arguments: str) -> str:
    result = _run(root, arguments)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise UsageError(f"git {arguments[0]} failed in {root}: {last}")
    return str(result.stdout)


def has_identity(root: Path) -> bool:
    return bool(_run(root, ("config", "user.email")).stdout.strip())


def init(root: Path) -> None:
    if not (root / ".git").exists():
        git(root, "init", "--quiet", "--initial-branch=main")


def commit(root: Path, message: str, paths: list[str] | None = None) -> None:
    """Stage `paths` (default: everything) and commit exactly them."""
    git(root, "add", "--", *(paths or ["."]))
    identity = () if has_identity(root) else _FALLBACK_IDENTITY
    git(root, *identity, "commit", "--quiet", "--no-verify", "-m", message, "--", *(paths or ["."]))


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None outside git or on a detached HEAD."""
    result = _run(root, ("symbolic-ref", "--quiet", "--short", "HEAD"))
    return (result.stdout.strip() or None) if result.returncode == 0 else None


def ref_exists(root: Path, ref: str) -> bool:
    return _run(root, ("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")).returncode == 0


def check_new_refs(root: Path, branch: str, tag: str) -> None:
    """Refuse before anything is written when the branch or tag exists, or `root` is not a git work tree."""
    if _run(root, ("rev-parse", "--is-inside-work-tree")).stdout.strip() != "true":
        raise UsageError(f"{root}: not a git repository (--branch makes a branch and a tag)")
    for kind, name in (("branch", f"refs/heads/{branch}"), ("tag", f"refs/tags/{tag}")):
        if ref_exists(root, name):
            raise UsageError(f"git {kind} {name.split('/', 2)[2]} already exists")


def create_branch_and_tag(root: Path, branch: str, tag: str, message: str) -> None:
    git(root, "branch", branch)
    identity = () if has_identity(root) else _FALLBACK_IDENTITY
    git(root, *identity, "tag", "--annotate", "--message", message, tag)


def export_tree(root: Path, ref: str, destination: Path, paths: tuple[str, ...] = ()) -> None:
    """Write the files of `ref` (only those under `paths`, when given) into `destination`."""
    if not ref_exists(root, check_ref(ref)):
        raise UsageError(f"{ref}: not a commit in {root} (fetch it first: git fetch origin {ref})")
    # The platform may live in a folder of a larger repository: read that folder's tree, from the top (git
    # would otherwise apply the working folder as a second prefix).
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    prefix = git(root, "rev-parse", "--show-prefix").strip().rstrip("/")
    tree = f"{ref}:{prefix}" if prefix else ref
    destination.mkdir(parents=True, exist_ok=True)
    present = git(top, "ls-tree", "--name-only", tree, "--", *paths).split() if paths else []
    if paths and not present:
        return
    result = _run(top, ("archive", "--format=tar", tree, "--", *present), binary=True)
    if result.returncode != 0:
        raise UsageError(f"git archive {ref} failed in {root}: {result.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(destination, filter="data")
        else:  # pragma: no cover - Python without the extraction filters
            archive.extractall(destination)


def check_ref(ref: str) -> str:
    """A ref as the user gave it, refused when git would read it as an option."""
    if ref.startswith("-"):
        raise UsageError(f"`{ref}` is not a git ref")
    return ref


class RefTree:
    """The files of a git ref, read blob by blob (`git cat-file`), each at most once."""

    def __init__(self, root: Path, ref: str) -> None:
        self.root, self.ref = root, check_ref(ref)
        self._read: dict[str, bytes | None] = {}

    def read(self, relative: str, limit: int = MAX_BYTES) -> bytes | None:
        if relative not in self._read:
            result = _run(self.root, ("cat-file", "blob", f"{self.ref}:{relative}"), binary=True)
            self._read[relative] = result.stdout if result.returncode == 0 else None
        found = self._read[relative]
        if found is not None and len(found) > limit:
            raise too_large(f"{self.ref}:{relative}", limit)
        return found

    def listdir(self, relative: str) -> list[str]:
        result = _run(self.root, ("ls-tree", "--name-only", f"{self.ref}:{relative}"))
        return sorted(str(result.stdout).split("\n")[:-1]) if result.returncode == 0 else []


def file_history(root: Path, relative: str) -> list[str]:
    """Every committed version of `relative` (newest first), read in one `git cat-file --batch`; empty outside
    git. Used by `rollback` to learn which versions an environment ran; validate never walks history."""
    listing = _run(root, ("log", "--format=%H", "--", relative))
    if listing.returncode != 0 or not listing.stdout.strip():
        return []
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    requests = "".join(f"{sha}:{prefix}{relative}\n" for sha in listing.stdout.split())
    result = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=root, input=requests.encode(), capture_output=True, check=False
    )
    contents, data = [], result.stdout
    while data:
        header, _, data = data.partition(b"\n")
        fields = header.split()
        if len(fields) != 3:  # "<name> missing": the file was deleted in that commit
            continue
        size = int(fields[2])
        contents.append(data[:size].decode("utf-8", errors="replace"))
        data = data[size + 1 :]
    return contents
