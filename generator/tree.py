"""Where lockstep reads files from: a folder on disk, a git ref, or planned changes laid over another tree.

Every loader reads through a `Tree`, so that reading has one set of rules: a file that is not there is None (its
absence is some rule's business), anything that is not a regular file counts as absent (a FIFO or a device is
never opened), a file reached through a symbolic link that leaves the tree, over its size limit, or that cannot
be read is a `LoadError` naming it (never quoting it), and text is UTF-8 (a byte-order mark is dropped).
Reads are remembered, so a tree is read from disk at most once per file, and an overlay of planned changes
reads only what the change does not replace.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from generator.errors import LoadError
from generator.findings import Rule

UNREADABLE = Rule("file.unreadable", "error", "Every file lockstep reads can be read, as UTF-8 text.")
TOO_LARGE = Rule(
    "file.too-large",
    "error",
    "Every file lockstep reads is within its limits (1 MiB, 20,000 lines and flow items; API contracts 64 MiB).",
)
SYMLINK = Rule(
    "file.symlink",
    "error",
    "No file lockstep reads is reached through a symbolic link that leaves the repository (in a git ref, through "
    "any link).",
)
RULES: tuple[Rule, ...] = (UNREADABLE, TOO_LARGE, SYMLINK)

MAX_BYTES = 1024 * 1024  # any file lockstep reads but API contracts
MAX_LINES = 20_000  # lines and flow items (`,`) of a YAML file lockstep parses itself: each node costs a strict parse


class Tree(Protocol):
    def read(self, relative: str, limit: int = MAX_BYTES) -> bytes | None:
        """The bytes of the regular file at `relative`; None when there is none; LoadError when it is larger
        than `limit` or cannot be read."""
        ...

    def listdir(self, relative: str) -> list[str]:
        """The names in the folder at `relative`, sorted; empty when there is no such folder; LoadError when a
        symbolic link takes the folder out of the tree."""
        ...


def files_under(tree: Tree, folder: str) -> list[str]:
    """The paths of every file under `folder`, at any depth."""
    found: list[str] = []
    for name in tree.listdir(folder):
        path = f"{folder}/{name}"
        found += [path] if tree.read(path) is not None else files_under(tree, path)
    return found


def too_large(relative: str, limit: int) -> LoadError:
    return LoadError(TOO_LARGE.at(relative, 1, 1, f"file is larger than {limit} bytes"))


def decode(raw: bytes, relative: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); LoadError naming the first bad byte otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(UNREADABLE.at(relative, 1, 1, f"not UTF-8 text (byte {error.start})")) from None


def named(path: Path) -> tuple[DiskTree, str]:
    """A file the user names on the command line, as a tree of its folder and its name there: it may be a link,
    but not one that leads out of its folder (a file from a pull request must not lead to one elsewhere)."""
    return DiskTree(path.parent), path.name


def read_text(tree: Tree, relative: str, limit: int = MAX_BYTES) -> str | None:
    raw = tree.read(relative, limit)
    return None if raw is None else decode(raw, relative)


def outside(relative: str) -> LoadError:
    return LoadError(SYMLINK.at(relative, 1, 1, "is reached through a symbolic link that leaves the repository"))


class DiskTree:
    """The files under a folder on disk, each file and folder read at most once, never through a symbolic link
    that leads outside the folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._real = os.path.realpath(root)
        self._read: dict[str, bytes | None] = {}
        self._listed: dict[str, list[str]] = {}
        self._folders: dict[str, str] = {}  # the real path of each folder a file was read from

    def _inside(self, relative: str) -> str:
        """The real path of `relative`; LoadError when a link takes it out of the folder."""
        if "\0" in relative:
            raise LoadError(UNREADABLE.at(relative.replace("\0", "\\0"), 1, 1, "no file has a NUL in its name"))
        real = os.path.realpath(os.path.join(self.root, relative))
        if real != self._real and not real.startswith(self._real.rstrip(os.sep) + os.sep):
            raise outside(relative)
        return real

    def _folder(self, relative: str) -> str:
        """The real path of the folder `relative`, resolved once for all the files read from it."""
        found = self._folders.get(relative)
        if found is None:
            found = self._folders[relative] = self._inside(relative) if relative else self._real
        return found

    def read(self, relative: str, limit: int = MAX_BYTES) -> bytes | None:
        if relative not in self._read:
            self._read[relative] = self._load(relative, limit)
        found = self._read[relative]
        if found is not None and len(found) > limit:
            raise too_large(relative, limit)
        return found

    def _load(self, relative: str, limit: int) -> bytes | None:
        folder, _, name = relative.rpartition("/")
        if name in ("", ".", "..") or "\0" in relative:
            path = self._inside(relative)  # not a plain name in a folder: the whole path resolved
        else:
            try:
                path = os.path.join(self._folder(folder), name)
            except LoadError:
                raise outside(relative) from None  # the file is named, not the folder that leads out
        try:
            status = os.lstat(path)
            if stat.S_ISLNK(status.st_mode):  # a link: where it leads must be inside too
                path = self._inside(relative)
                status = os.stat(path)
            if not stat.S_ISREG(status.st_mode):
                return None
            if status.st_size > limit:
                raise too_large(relative, limit)
            with open(path, "rb") as stream:
                return stream.read(limit + 1)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise LoadError(UNREADABLE.at(relative, 1, 1, f"cannot read file: {error.strerror}")) from None

    def listdir(self, relative: str) -> list[str]:
        """The names in a folder; LoadError when a link takes the folder out of the tree."""
        if relative not in self._listed:
            path = self._inside(relative)
            try:
                self._listed[relative] = sorted(os.listdir(path))
            except OSError:
                self._listed[relative] = []
        return self._listed[relative]


class OverlayTree:
    """Planned file contents laid over another tree: what `--dry-run` and the changeset check look at."""

    def __init__(self, base: Tree, files: Mapping[str, str | None]) -> None:
        self.base = base
        self.files = {relative: None if text is None else text.encode("utf-8") for relative, text in files.items()}

    def read(self, relative: str, limit: int = MAX_BYTES) -> bytes | None:
        if relative in self.files:
            found = self.files[relative]
            if found is not None and len(found) > limit:
                raise too_large(relative, limit)
            return found
        return self.base.read(relative, limit)

    def listdir(self, relative: str) -> list[str]:
        folder = relative.strip("/") if relative not in ("", ".") else ""
        prefix = folder + "/" if folder else ""
        added = {
            path[len(prefix) :].split("/", 1)[0]
            for path, data in self.files.items()
            if path.startswith(prefix) and data is not None
        }
        return sorted(set(self.base.listdir(relative)) | added)
