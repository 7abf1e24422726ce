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
from generator.tree import MAX_BYTES, SYMLINK, too_large

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


class RefTree:
    """The files of a git ref (or of one folder of it, where the platform lives in a larger repository), listed
    once and read through one `git cat-file --batch` process, each file at most once."""

    def __init__(self, root: Path, ref: str, folder: str = "") -> None:
        if not ref_exists(root, check_ref(ref)):
            raise UsageError(f"{ref}: not a commit in {root} (fetch it first: git fetch origin {ref})")
        self.top = Path(git(root, "rev-parse", "--show-toplevel").strip())
        self.ref, self.folder = ref, folder.strip("/")
        self._entries: dict[str, tuple[str, str]] | None = None  # path -> (mode, object)
        self._read: dict[str, bytes] = {}
        self._batch: subprocess.Popen[bytes] | None = None

    def _listing(self) -> dict[str, tuple[str, str]]:
        """Every file of the ref, without sizes (asking git for them costs ten times the listing): a blob's size
        comes with its content, and one over the limit is never read."""
        if self._entries is None:
            tree = f"{self.ref}:{self.folder}" if self.folder else self.ref
            listed = _run(self.top, ("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", tree), binary=True)
            self._entries = {}
            for record in bytes(listed.stdout).split(b"\0"):
                meta, _, path = record.partition(b"\t")
                fields = meta.split()
                if len(fields) == 3 and fields[1] == b"blob":
                    self._entries[path.decode("utf-8", "replace")] = (fields[0].decode(), fields[2].decode())
        return self._entries

    def read(self, relative: str, limit: int = MAX_BYTES) -> bytes | None:
        path = posixpath.normpath(relative)
        entry = self._listing().get(path)
        if entry is None:
            return None
        mode, sha = entry
        if mode == "120000":
            raise LoadError(SYMLINK.at(relative, 1, 1, "is a symbolic link in the commit; links are not followed"))
        if path not in self._read:
            blob = self._blob(sha, limit)
            if blob is None:
                raise too_large(relative, limit)
            self._read[path] = blob
        elif len(self._read[path]) > limit:
            raise too_large(relative, limit)
        return self._read[path]

    def _blob(self, sha: str, limit: int) -> bytes | None:
        """The blob's content; None when it is larger than `limit` (then it is not read: the reader stops)."""
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
            self._batch.kill()  # its output is not read: the next blob starts a new reader
            self._batch.wait()
            self._batch = None
            return None
        return _read_exactly(stdout, size + 1)[:size]

    def listdir(self, relative: str) -> list[str]:
        folder = posixpath.normpath(relative).strip("/")
        prefix = "" if folder in ("", ".") else folder + "/"
        return sorted({path[len(prefix) :].split("/", 1)[0] for path in self._listing() if path.startswith(prefix)})

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
    span = (base, head) if head is not None else (base,)
    listed = git(root, "diff", "--name-only", "--no-renames", "--relative", *span, "--", ".").split("\n")
    if head is None:
        listed += git(root, "ls-files", "--others", "--exclude-standard", "--", ".").split("\n")
    return {name for name in listed if name}
