"""Issue 20's delivery, end to end, with the real helm, registry and git: a chart edited on main changes no
environment until a build of it is promoted there, and each promotion changes only its environment's files and
the ledger.

The build pipeline is simulated by its own steps (images cannot be built here): `lockstep bump SERVICE --next`,
`helm package` at that version and `helm push` to the local registry, then `lockstep bump --image ... --chart
sha256:...` with the chart's digest and an image digest standing for the pushed image's."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import K8sTools, OciRegistry, commit, edit, git, run_lockstep, use_registry
from tests.test_charts_oci import build as push_chart
from tests.test_charts_oci import folder_of

SERVICE = "service-a"
ANNOTATION = "delivered-by: pipeline"
PATH = ("dev", "stage", "prod")


def lockstep(repo: Path, *args: str) -> str:
    result = run_lockstep(*args, "--repo", repo)
    assert result.code == 0, result.out + result.err
    return result.out


def build(repo: Path, charts: str) -> tuple[str, str]:
    """The build pipeline's steps for SERVICE: the next version, its chart packaged and pushed, the bump with
    both digests. Returns (version, image digest)."""
    result = run_lockstep("bump", SERVICE, "--next", "--repo", repo)
    assert result.code == 0, result.err
    version = result.out.strip()
    chart = push_chart(repo, SERVICE, version, charts)
    image_digest = "sha256:" + hashlib.sha256(f"{SERVICE}:{version}".encode()).hexdigest()
    registry = re.search(r"^registry: (\S+)$", (repo / "platform.yaml").read_text(), re.MULTILINE)
    assert registry is not None
    image = f"{registry[1]}/{SERVICE}:{version}@{image_digest}"
    lockstep(repo, "bump", SERVICE, "--version", version, "--image", image, "--chart", chart, "--commit")
    return version, image_digest


def render(repo: Path, environment: str) -> str:
    return lockstep(repo, "render", "--env", environment, "--service", SERVICE)


def changed_by_last_commit(repo: Path) -> set[str]:
    return set(git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split())


def move_to(repo: Path, environment: str, clock: list[datetime]) -> None:
    """What a promotion pull request does to reach `environment` in the combined strategy (dev, then stage and
    prod by platform versions): stamp and release first when the upstream is dev. prod's generated gates are met
    as a team meets them: the trunk workflow's stamp records stage's arrival, the integration tests record their
    result for what stage runs, a day passes. `clock`: the time the steps run at (one item, moved on)."""

    def now(hours: int = 1) -> str:
        clock[0] += timedelta(hours=hours)
        return clock[0].strftime("%Y-%m-%dT%H:%M:%SZ")

    if environment == "stage":
        lockstep(repo, "stamp", "--commit", "--now", now())
        lockstep(repo, "release", "--commit", "--now", now())
    if environment == "prod":
        lockstep(repo, "stamp", "--commit", "--now", now())
        lockstep(repo, "verify", "--env", "stage", "--check", "integration-tests", "--result", "passed", "--commit",
                 "--now", now())  # fmt: skip
        now(24)
    lockstep(repo, "promote", environment, "--commit", "--now", now())
    files = changed_by_last_commit(repo)
    assert files and all(f.startswith((f"environments/{environment}/", "releases/")) for f in files), files


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["argocd", "flux", "none"])
def test_a_chart_edit_reaches_each_environment_only_by_promotion(
    engine: str, new_repo, k8s_tools: K8sTools, oci_registry: OciRegistry, request: pytest.FixtureRequest
) -> None:
    repo = new_repo("--engine", engine)
    git(repo, "config", "user.name", "CI")  # who records the checks
    git(repo, "config", "user.email", "ci@example.com")
    clock = [datetime.now(timezone.utc).replace(microsecond=0)]
    charts = oci_registry.charts(folder_of(request))
    use_registry(repo, charts)
    commit(repo, "charts in the local registry")
    # the first build of service-a, taken to prod: every environment now runs a built chart
    build(repo, charts)
    for environment in ("stage", "prod"):
        move_to(repo, environment, clock)
    before = {environment: render(repo, environment) for environment in PATH}

    edit(
        repo,
        f"charts/{SERVICE}/templates/deployment.yaml",
        "metadata:\n",
        f"metadata:\n  annotations: {{{ANNOTATION}}}\n",
    )
    commit(repo, "an annotation on the Deployment")
    assert {environment: render(repo, environment) for environment in PATH} == before

    _version, digest = build(repo, charts)
    reached = ["dev"]
    for environment in (None, "stage", "prod"):
        if environment is not None:
            move_to(repo, environment, clock)
            reached.append(environment)
        for each in PATH:
            text = render(repo, each)
            assert (ANNOTATION in text) == (each in reached), (each, reached)
            assert (digest in text) == (each in reached), (each, reached)
    assert run_lockstep("validate", "--render", "--repo", repo).code == 0
