"""Where `validate` and `diff-api` put their findings: `--format` on stdout and every `--report FORMAT=PATH` in its
file, each rendered from the same `Report`. What depends on the environment is decided here, never in a
formatter: colour (a terminal, NO_COLOR, FORCE_COLOR) and the base of file links (`--link-base`, or GitHub's
variables and the commit that was checked)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from generator import gitrefs, report
from generator.errors import UsageError
from generator.report.record import Report

_URL = re.compile(r"https?://[^\s()<>\"'`\\]+")


@dataclass(frozen=True)
class Outputs:
    stdout: str  # the --format
    files: tuple[tuple[str, Path], ...]  # every --report FORMAT=PATH
    link_base: str | None  # --link-base

    @property
    def formats(self) -> set[str]:
        return {self.stdout, *(fmt for fmt, _ in self.files)}


def outputs(fmt: str, reports: Sequence[str] | None, link_base: str | None) -> Outputs:
    """The outputs asked for, checked before any work is done: UsageError (exit 2, one line) for a format that
    does not exist, a path whose folder does not, a folder given as a path, a path given twice, or a link base
    that is not an http(s) URL."""
    files: list[tuple[str, Path]] = []
    for spec in reports or ():
        name, equals, path = spec.partition("=")
        if not equals or not path:
            raise UsageError(f"--report: `{spec}` is not FORMAT=PATH (formats: {', '.join(report.FINDINGS)})")
        if name not in report.FINDINGS:
            raise UsageError(f"--report {spec}: no format `{name}` (formats: {', '.join(report.FINDINGS)})")
        target = Path(path)
        if target.is_dir():
            raise UsageError(f"--report {spec}: {path} is a folder")
        if not target.parent.is_dir():
            raise UsageError(f"--report {spec}: folder {target.parent} does not exist")
        if any(target.resolve() == other.resolve() for _, other in files):
            raise UsageError(f"--report {spec}: {path} is named twice")
        files.append((name, target))
    if link_base is not None and not _URL.fullmatch(link_base):
        raise UsageError(f"--link-base: `{link_base}` is not an http(s) URL")
    return Outputs(fmt, tuple(files), link_base.rstrip("/") if link_base else None)


def colour(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """ANSI colour on `stream`: FORCE_COLOR set and not empty turns it on (force-color.org), else NO_COLOR set and
    not empty turns it off (no-color.org), else on for a terminal (unless TERM is `dumb`). FORCE_COLOR wins when
    both are set: force-color.org's reference code reads NO_COLOR first and lets FORCE_COLOR override it."""
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("NO_COLOR"):
        return False
    return stream.isatty() and environ.get("TERM") != "dumb"


def github_link_base(environ: Mapping[str, str], commit: Callable[[], tuple[str, str] | None]) -> str | None:
    """`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/<commit>/<folder>` in a GitHub workflow, else None. `commit`
    gives the commit that was checked and the repository's folder in it; when git cannot say, GITHUB_SHA (the
    commit the workflow checked out) and the top folder."""
    server, repository = environ.get("GITHUB_SERVER_URL", ""), environ.get("GITHUB_REPOSITORY", "")
    if not server or not repository:
        return None
    found = commit() or ((environ["GITHUB_SHA"], "") if environ.get("GITHUB_SHA") else None)
    if found is None:
        return None
    sha, folder = found
    base = f"{server.rstrip('/')}/{repository}/blob/{sha}" + (f"/{folder.strip('/')}" if folder.strip("/") else "")
    return base if _URL.fullmatch(base) else None


def commit_of(root: Path, ref: str = "HEAD") -> tuple[str, str] | None:
    """The commit `ref` names in the git repository around `root`, and `root`'s folder in it; None outside git."""
    try:
        sha = gitrefs.git(root, "rev-parse", "--verify", "--end-of-options", f"{gitrefs.check_ref(ref)}^{{commit}}")
        return sha.strip(), gitrefs.prefix(root)
    except UsageError:
        return None


def emit(chosen: Outputs, made: Report, layouts: Mapping[str, Callable[[Report], str]] | None = None) -> None:
    """Every --report file (without colour), then stdout (with colour where `colour` says so, text only), each in
    its format's layout from `layouts` when there is one (diff-api --changelog), else from report.FINDINGS. All
    are rendered before any is written; when one cannot be written, those already written are removed (exit 2,
    nothing written)."""

    def render(name: str) -> Callable[[Report], str]:
        return (layouts or {}).get(name) or report.FINDINGS[name]

    plain = replace(made, colour=False)
    rendered = [(name, path, render(name)(plain)) for name, path in chosen.files]
    written: list[Path] = []
    for name, path, body in rendered:
        try:
            path.write_text(body, encoding="utf-8")
        except OSError as error:
            for done in written:
                done.unlink(missing_ok=True)
            raise UsageError(f"--report {name}={path}: {error.strerror or error}") from None
        written.append(path)
    shown = replace(made, colour=chosen.stdout == "text" and colour(sys.stdout, os.environ))
    sys.stdout.write(render(chosen.stdout)(shown))
