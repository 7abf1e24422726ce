"""Git through its command line: commits of generated files, branches and tags, and the files of a ref.

Every git call goes through `_run` (no shell; a ref the user gives is refused when it starts with `-`, and
`--end-of-options` comes before it). A ref's files are listed with `git ls-tree` and read blob by blob with
`git cat-file --batch`, never by walking history and never onto disk, so a shallow clone in which the base
ref was fetched alone is enough for pull-request mode, and a symbolic link committed into the tree is a
finding, never a path that is followed.
"""

from __future__ import annotations

import posixpath
import subprocess
import weakref
from pathlib import Path
from typing import IO, Any

from generator.errors import LoadError, UsageError
from generator.tree import MAX_BYTES, SYMLINK, Tree, too_large

_FALLBACK_IDENTITY = ("-c", "user.name=lockstep", "-c", "user.email=lockstep@localhost")


def _run(
    root: Path, arguments: tuple[str, ...], *, binary: bool = False, stdin: bytes | None = None
) -> subprocess.CompletedProcess[Any]:
    try:
        return subprocess.run(
            ["git", *arguments], cwd=root, input=stdin, capture_output=True, text=not binary, check=False
        )
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


def author(root: Path) -> str | None:
    """Who is acting: git's author identity `Name <email>` (GIT_AUTHOR_NAME/EMAIL, else user.name/email), as a
    commit would record it; None when git has none (outside a repository it still reads the user's config)."""
    result = _run(root, ("var", "GIT_AUTHOR_IDENT"))
    if result.returncode != 0:
        return None
    ident = str(result.stdout).strip()
    name, bracket, _ = ident.rpartition(">")  # drop the trailing `<timestamp> <zone>`
    return f"{name}{bracket}" if bracket else None


def init(root: Path) -> None:
    if not (root / ".git").exists():
        git(root, "init", "--quiet", "--initial-branch=main")


def commit(root: Path, message: str, paths: list[str] | None = None) -> None:
    """Stage `paths` (default: everything; removed files too) and commit exactly them."""
    git(root, "add", "-A", "--", *(paths or ["."]))
    identity = () if has_identity(root) else _FALLBACK_IDENTITY
    git(root, *identity, "commit", "--quiet", "--no-verify", "-m", message, "--", *(paths or ["."]))


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None outside git or on a detached HEAD."""
    result = _run(root, ("symbolic-ref", "--quiet", "--short", "HEAD"))
    return (result.stdout.strip() or None) if result.returncode == 0 else None


def unborn(root: Path) -> bool:
    """True in a git repository with no commit yet (HEAD names a branch that does not exist)."""
    return _run(root, ("symbolic-ref", "--quiet", "HEAD")).returncode == 0 and not ref_exists(root, "HEAD")


def ref_exists(root: Path, ref: str) -> bool:
    return _run(root, ("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")).returncode == 0


def require_commit(root: Path, ref: str) -> str:
    """The commit `ref` names; UsageError (exit 2, one line) when it names none here."""
    found = _run(root, ("rev-parse", "--verify", "--quiet", "--end-of-options", f"{check_ref(ref)}^{{commit}}"))
    if found.returncode != 0:
        raise UsageError(f"{ref}: not a commit in {root} (fetch it first: git fetch origin {ref})")
    return str(found.stdout).strip()


def create_tag(root: Path, tag: str, commit: str, message: str) -> None:
    identity = () if has_identity(root) else _FALLBACK_IDENTITY
    git(root, *identity, "tag", "--annotate", "--message", message, "--end-of-options", tag, commit)


def create_branch(root: Path, branch: str, commit: str) -> None:
    git(root, "branch", "--end-of-options", branch, commit)


def release_branches(root: Path) -> list[str]:
    """The local branches named `X.Y-release`; empty outside git."""
    found = _run(root, ("for-each-ref", "--format=%(refname:short)", "refs/heads/*-release"))
    return sorted(str(found.stdout).split()) if found.returncode == 0 else []


def added_in(root: Path, relative: str) -> str | None:
    """The commit that added `relative` (on the first-parent history of HEAD); None when it is not committed."""
    found = _run(root, ("log", "--first-parent", "--diff-filter=A", "--format=%H", "--", relative))
    commits = str(found.stdout).split() if found.returncode == 0 else []
    return commits[-1] if commits else None


def check_ref(ref: str) -> str:
    """A ref as the user gave it, refused when git would read it as an option."""
    if ref.startswith("-"):
        raise UsageError(f"`{ref}` is not a git ref")
    return ref


_TREE, _LINK, _FILES = "40000", "120000", ("100644", "100755")


class RefTree:
    """The files of a git ref (or of one folder of it, where the platform lives in a larger repository), read
    through one `git cat-file --batch` process: a folder's tree object when it is first listed or a path through
    it is read, each file at most once, nothing else (a ref's whole listing is never asked for).

    `same`: another tree (the head) and the files that differ between it and this ref (`git diff --name-only`,
    untracked files included): every other regular file is read from that tree, so both sides share its bytes and
    what was parsed from them, and this ref's blob is never read."""

    def __init__(
        self, root: Path, ref: str, folder: str | None = "", *, same: tuple[Tree, frozenset[str]] | None = None
    ) -> None:
        """`folder`: the folder of the repository to read ("" its top; None: `root`'s own folder)."""
        check_ref(ref)
        asked = ("--show-toplevel", "--show-prefix", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        found = _run(root, ("rev-parse", *asked))
        lines = str(found.stdout).split("\n")
        if found.returncode != 0 or len(lines) < 3:
            raise UsageError(f"{ref}: not a commit in {root} (fetch it first: git fetch origin {ref})")
        self.top, self._commit = Path(lines[0]), lines[2].strip()
        self.ref, self.folder, self.same = ref, (lines[1] if folder is None else folder).strip("/"), same
        self._trees: dict[str, dict[str, tuple[str, str]] | None] = {}  # folder -> name -> (mode, object)
        self._read: dict[str, bytes] = {}
        self._batch: subprocess.Popen[bytes] | None = None

    def _top_tree(self) -> str | None:
        """The tree of the ref's folder, None when the ref has no such folder."""
        found = self._object(self._commit, MAX_BYTES)
        if found is None or found[0] != "commit":
            raise UsageError(f"git cat-file could not read {self.ref} in {self.top}")
        sha = found[1].split(b"\n", 1)[0].removeprefix(b"tree ").decode()
        for part in self.folder.split("/") if self.folder else ():
            entries = self._parse_tree(sha)
            entry = entries.get(part) if entries is not None else None
            if entry is None or entry[0] != _TREE:
                return None
            sha = entry[1]
        return sha

    def _entries(self, folder: str) -> dict[str, tuple[str, str]] | None:
        """The entries of `folder` (relative to the tree's folder; "" its top), None when it is no folder here."""
        if folder not in self._trees:
            if folder == "":
                sha = self._top_tree()
            else:
                parent, _, name = folder.rpartition("/")
                entries = self._entries(parent)
                entry = entries.get(name) if entries is not None else None
                sha = entry[1] if entry is not None and entry[0] == _TREE else None
            self._trees[folder] = None if sha is None else self._parse_tree(sha)
        return self._trees[folder]

    def _parse_tree(self, sha: str) -> dict[str, tuple[str, str]] | None:
        found = self._object(sha, 64 * MAX_BYTES)
        if found is None or found[0] != "tree":
            return None
        data, entries, at, width = found[1], {}, 0, len(sha) // 2
        while at < len(data):
            space, nul = data.index(b" ", at), data.index(b"\0", at)
            mode, name = data[at:space].decode(), data[space + 1 : nul].decode("utf-8", "replace")
            entries[name] = (mode, data[nul + 1 : nul + 1 + width].hex())
            at = nul + 1 + width
        return entries

    def _entry(self, path: str) -> tuple[str, str] | None:
        parent, _, name = path.rpartition("/")
        entries = self._entries(parent) if name not in ("", ".", "..") else None
        return entries.get(name) if entries is not None else None

    def read(self, relative: str, limit: int = MAX_BYTES) -> bytes | None:
        path = posixpath.normpath(relative)
        entry = self._entry(path) if not path.startswith("../") else None
        if entry is None or entry[0] not in (_LINK, *_FILES):
            return None  # no such file, a folder or a submodule
        mode, sha = entry
        if mode == _LINK:
            raise LoadError(SYMLINK.at(relative, 1, 1, "is a symbolic link in the commit; links are not followed"))
        if self.same is not None and path not in self.same[1]:
            return self.same[0].read(path, limit)  # the same bytes as the other tree's, which has them already
        if path not in self._read:
            found = self._object(sha, limit)
            if found is None:
                raise too_large(relative, limit)
            self._read[path] = found[1]
        elif len(self._read[path]) > limit:
            raise too_large(relative, limit)
        return self._read[path]

    def _object(self, sha: str, limit: int) -> tuple[str, bytes] | None:
        """The object's type and content; None when it is larger than `limit` (then it is not read: the reader
        stops)."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"], cwd=self.top, stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
            weakref.finalize(self, _stop, self._batch)
        stdin, stdout = self._batch.stdin, self._batch.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"{sha}\n".encode())
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:
            raise UsageError(f"git cat-file could not read {sha} in {self.top}")
        size = int(header[2])
        if size > limit:
            self._batch.kill()  # its output is not read: the next object starts a new reader
            self._batch.wait()
            self._batch = None
            return None
        return header[1].decode(), _read_exactly(stdout, size + 1)[:size]

    def listdir(self, relative: str) -> list[str]:
        folder = posixpath.normpath(relative).strip("/")
        entries = self._entries("" if folder in ("", ".") else folder)
        return sorted(name for name, (mode, _) in (entries or {}).items() if mode != "160000")

    def close(self) -> None:
        if self._batch is not None:
            _stop(self._batch)
            self._batch = None


def _read_exactly(stream: IO[bytes], count: int) -> bytes:
    chunks, missing = [], count
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            break
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        if process.stdin is not None:
            process.stdin.close()
        process.wait()


def prefix(root: Path) -> str:
    """`root`'s folder inside its git repository ("" at the top, else ending in "/"), as refs name its files."""
    return git(root, "rev-parse", "--show-prefix").strip()


def file_history(root: Path, relative: str) -> list[tuple[str, str]]:
    """Every committed version of `relative` with its commit (newest first), read in one `git cat-file --batch`;
    empty outside git. Used by `rollback` and the rollback check of pull-request mode to learn which versions an
    environment ran and what a version shipped; validate never walks history otherwise."""
    listing = _run(root, ("log", "--format=%H", "--", relative))
    if listing.returncode != 0 or not listing.stdout.strip():
        return []
    folder = prefix(root)
    commits = str(listing.stdout).split()
    requests = "".join(f"{sha}:{folder}{relative}\n" for sha in commits)
    result = _run(root, ("cat-file", "--batch"), binary=True, stdin=requests.encode())
    versions, data = [], bytes(result.stdout)
    for sha in commits:
        header, _, data = data.partition(b"\n")
        fields = header.split()
        if len(fields) != 3:  # "<name> missing": the file was deleted in that commit
            continue
        size = int(fields[2])
        versions.append((sha, data[:size].decode("utf-8", errors="replace")))
        data = data[size + 1 :]
    return versions


def changed(root: Path, base: str, head: str | None = None) -> set[str]:
    """The files (relative to `root`) that differ between `base` and `head`, or the working tree (untracked files
    included) when `head` is None."""
    span = (check_ref(base), check_ref(head)) if head is not None else (check_ref(base),)
    listed = git(root, "diff", "--name-only", "-z", "--no-renames", "--relative", *span, "--", ".").split("\0")
    if head is None:  # -z: names as they are (without it git quotes a name with a tab, a quote or non-ASCII)
        listed += git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".").split("\0")
    return {name for name in listed if name}
