"""Load an OpenAPI 3.0/3.1 document (YAML or JSON, a file or `REF:path` from git) and resolve its `$ref`s.

Nothing is fetched over the network: a remote `$ref` is a problem finding and stays unresolved. Relative file
refs (`schemas.yaml#/Pet`) are read beside the referring file (from the same git ref in `REF:path` mode).
Documents are parsed once; `$ref`s are followed lazily by the differ, so cycles cost nothing.
"""

from __future__ import annotations

import json
import posixpath
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.errors import UsageError
from generator.findings import Finding
from generator.openapi.positions import Lines

Pointer = tuple[str, ...]
MAX_BYTES = 64 * 1024 * 1024
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Source:
    """One file of a contract: where it is (relative to the root's folder), its name in findings, its data."""

    relative: str
    name: str
    data: Any
    text: str

    def __post_init__(self) -> None:
        self.lines = Lines(self.text)

    def line(self, pointer: Pointer) -> int:
        return self.lines.locate(pointer, self.data)


@dataclass
class Spec:
    """A contract: the root source, the other files its refs reach, and what went wrong while resolving."""

    root: Source
    read: Callable[[str], str]  # reads a path relative to the root's folder (from disk or from git)
    root_file: str = ""  # the root's own file name, for refs that name it (`openapi.yaml#/...`)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sources[self.root.relative] = self.root

    def source(self, relative: str) -> Source | None:
        """Another file of the contract, parsed on first use; None when it cannot be read or parsed."""
        if relative == self.root_file:
            return self.root
        if relative not in self.sources:
            name = (PurePosixPath(self.root.name).parent / relative).as_posix()
            try:
                self.sources[relative] = Source(relative, name, *_parse(self.read(relative), name))
            except (OSError, UsageError):
                return None
        return self.sources[relative]


def _fast_yaml(text: str) -> Any:
    """yaml-rs (Rust, YAML 1.2, about 25 times faster than PyYAML's C loader on large contracts); None when
    it is missing, fails, or the text uses merge keys (`<<`, which YAML 1.2 does not have): PyYAML then reads
    the text, and says where an error is."""
    if "<<" in text:
        return None
    try:
        import yaml_rs
    except ImportError:
        return None
    try:
        return yaml_rs.loads(text)
    except Exception:  # any failure: PyYAML reads the text and reports the error
        return None


def _parse(text: str, name: str) -> tuple[Any, str]:
    try:
        if text.lstrip().startswith(("{", "[")):
            return json.loads(text), text
        fast = _fast_yaml(text)
        if fast is not None:
            return fast, text
        return yaml.load(text, Loader=_YAML_LOADER), text
    except (ValueError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(error, "lineno", None)
        reason = getattr(error, "problem", None) or getattr(error, "msg", None) or str(error)
        raise UsageError(f"{name}{f':{line}' if line else ''}: not valid YAML or JSON: {reason}") from error


def _git_reader(ref: str, directory: PurePosixPath, cwd: Path) -> Callable[[str], str]:
    def read(relative: str) -> str:
        path = posixpath.normpath((directory / relative).as_posix())
        result = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=cwd, capture_output=True, check=False)
        if result.returncode != 0:
            raise UsageError(f"{ref}:{path}: not found in git")
        return result.stdout.decode("utf-8", errors="replace")

    return read


def _disk_reader(directory: Path) -> Callable[[str], str]:
    def read(relative: str) -> str:
        path = directory / relative
        if path.stat().st_size > MAX_BYTES:
            raise UsageError(f"{path}: larger than {MAX_BYTES} bytes")
        return path.read_text("utf-8")

    return read


def _spec(text: str, name: str, read: Callable[[str], str]) -> Spec:
    data, text = _parse(text, name)
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3."):
        raise UsageError(f"{name}: not an OpenAPI 3.x document (no `openapi: 3.x` at the top)")
    # The root is "" in both specs, so that `#/...` refs of base and head name the same place.
    return Spec(Source("", name, data, text), read, root_file=PurePosixPath(name.split(":", 1)[-1]).name)


def load(argument: str, *, cwd: Path = Path(".")) -> Spec:
    """`path/to/openapi.yaml`, or `REF:path` to read it (and the files it refers to) from git at REF."""
    path = cwd / argument
    if path.is_file():
        reader = _disk_reader(path.parent)
        return _spec(reader(path.name), argument, reader)
    ref, _, inside = argument.partition(":")
    if not ref or not inside:
        raise UsageError(f"{argument}: no such file (use REF:path to read a file from git)")
    reader = _git_reader(ref, PurePosixPath(inside).parent, cwd)
    return _spec(reader(PurePosixPath(inside).name), argument, reader)


def from_text(text: str, name: str, read: Callable[[str], str]) -> Spec:
    """A contract from text already in hand (the contracts validator reads trees exported from git)."""
    return _spec(text, name, read)


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def walk(data: Any, pointer: Pointer) -> Any:
    for token in pointer:
        if isinstance(data, dict):
            data = data[token]
        elif isinstance(data, list):
            data = data[int(token)]
        else:
            raise KeyError(token)
    return data


def is_remote(ref: str) -> bool:
    return ref.startswith(("http://", "https://", "//", "ftp://", "file:"))


def split_ref(ref: str, current: Source) -> tuple[str, Pointer]:
    """`other.yaml#/a/b` seen from `current` -> (path of other.yaml relative to the root's folder, ("a", "b"))."""
    file_part, _, fragment = ref.partition("#")
    pointer = tuple(unescape(token) for token in fragment.split("/")[1:]) if fragment else ()
    if not file_part:
        return current.relative, pointer
    joined = (PurePosixPath(current.relative).parent / file_part).as_posix()
    return posixpath.normpath(joined), pointer
