"""`lockstep render --env ENV [--service S] [-o DIR]`: exactly what an environment deploys, rendered by helm: a
built pin's chart pulled from the registry by version and held to the lock's digest, an unbuilt one from
./charts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator import scratch
from generator.errors import UsageError
from generator.helm import INSTALL, HelmTemplate, Pulled, binary, pull
from generator.operations.render import plan
from generator.repository import find_root, load_repo, require_loaded


def _render(helm: str, root: Path, release: HelmTemplate) -> str:
    result = subprocess.run([helm, *release.args], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = next((line for line in result.stderr.splitlines() if line.strip()), f"exit {result.returncode}")
        raise UsageError(f"helm template of `{release.service}` for {release.environment} failed: {reason}")
    return result.stdout if result.stdout.endswith("\n") or not result.stdout else result.stdout + "\n"


def _pulled(helm: str, folder: Path, release: HelmTemplate) -> HelmTemplate:
    """The release rendered from its built chart, pulled into `folder` (exit 2 when the registry does not give
    the chart the lock pins)."""
    if release.pull is None:
        return release
    got: Pulled = pull(helm, folder, release.pull)
    problem = got.problem(release.environment)
    if problem is not None:
        raise UsageError(problem)
    return release.pulled(got.package)


def run(root: Path | None, environment: str, service: str | None, out: Path | None) -> int:
    repo = require_loaded(load_repo(find_root(root)))
    releases = plan(repo, environment, service)
    helm = binary()
    if helm is None:
        raise UsageError(INSTALL)
    with scratch.folder("pull") as folder:
        ready = [_pulled(helm, folder, release) for release in releases]
        rendered = {release.service: _render(helm, repo.root, release) for release in ready}  # all, then write
    if out is None:
        sys.stdout.write("".join(rendered.values()))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (out / f"{name}.yaml").write_text(text, encoding="utf-8")
        print(f"wrote {out / f'{name}.yaml'}")
    return 0
