"""`lockstep render --env ENV [--service S] [-o DIR]`: exactly what an environment deploys, rendered by helm."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import UsageError
from generator.helm import INSTALL, HelmTemplate, binary
from generator.operations.render import plan
from generator.repository import find_root, load_repo, require_loaded


def _render(helm: str, root: Path, release: HelmTemplate) -> str:
    result = subprocess.run([helm, *release.args], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = next((line for line in result.stderr.splitlines() if line.strip()), f"exit {result.returncode}")
        raise UsageError(f"helm template of `{release.service}` for {release.environment} failed: {reason}")
    return result.stdout if result.stdout.endswith("\n") or not result.stdout else result.stdout + "\n"


def run(root: Path | None, environment: str, service: str | None, out: Path | None) -> int:
    repo = require_loaded(load_repo(find_root(root)))
    releases = plan(repo, environment, service)
    helm = binary()
    if helm is None:
        raise UsageError(INSTALL)
    rendered = {release.service: _render(helm, repo.root, release) for release in releases}  # all, then write
    if out is None:
        sys.stdout.write("".join(rendered.values()))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (out / f"{name}.yaml").write_text(text, encoding="utf-8")
        print(f"wrote {out / f'{name}.yaml'}")
    return 0
