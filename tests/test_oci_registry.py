"""A generated service chart as the build pipeline would publish it: packaged with version = service version,
pushed to a real local OCI registry (the `oci_registry` fixture: Debian's docker-registry, distribution 2.8),
pulled and rendered from there by the real helm v4, and by the helm v3.15 that helmfile drives."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from generator.operations.render import plan
from generator.repository import load_repo
from tests.conftest import (
    REGISTRY_MISSING,
    K8sTools,
    OciRegistry,
    edit,
    registry_binary,
    run_lockstep,
)

SERVICE = "service-a"
VERSION = "0.1.0"  # the version `lockstep new` gives every service
ENVIRONMENTS = ("dev", "stage", "prod")


class Pushed(NamedTuple):
    package: Path  # the .tgz helm package wrote
    charts: str  # oci://HOST/FOLDER, what `helm push PACKAGE CHARTS` takes
    digest: str  # sha256:..., what `helm push` printed

    @property
    def address(self) -> str:
        """oci://HOST/FOLDER/SERVICE, what `helm template|pull ADDRESS --version V` takes."""
        return f"{self.charts}/{SERVICE}"


def helm(program: str | Path, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(program), *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False)


def package(repo: Path, into: Path) -> Path:
    """`helm package charts/SERVICE` at the service's version, as the build pipeline packages it."""
    result = helm(
        "helm", "package", f"charts/{SERVICE}", "--version", VERSION, "--app-version", VERSION, "-d", into, cwd=repo
    )
    assert result.returncode == 0, result.stderr
    return into / f"{SERVICE}-{VERSION}.tgz"


def push(chart: Path, charts: str) -> str:
    """`helm push CHART oci://... --plain-http`: the digest it printed."""
    result = helm("helm", "push", chart, charts, "--plain-http")
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert f"Pushed: {charts.removeprefix('oci://')}/{SERVICE}:{VERSION}" in said, said
    match = re.search(r"^Digest: (sha256:[0-9a-f]{64})$", said, flags=re.MULTILINE)
    assert match is not None, said
    return match[1]


@pytest.fixture
def pushed(
    default_repo: Path, k8s_tools: K8sTools, oci_registry: OciRegistry, request: pytest.FixtureRequest
) -> Pushed:
    """service-a of a fresh platform, packaged at 0.1.0 and pushed under a folder of this test's own (the
    registry is shared by the tests of a worker)."""
    charts = oci_registry.charts(re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-"))
    chart = package(default_repo, default_repo.parent / "packaged")
    return Pushed(chart, charts, push(chart, charts))


def rendered_locally(repo: Path, environment: str) -> str:
    result = run_lockstep("render", "--env", environment, "--service", SERVICE, "--repo", repo)
    assert result.code == 0, result.err
    return result.out


def rendered_from(program: str | Path, repo: Path, environment: str, address: str) -> str:
    """The `helm template` a `lockstep render` runs (same release, values files, `--set-json image={"ref": ...}`,
    namespace, Kubernetes version, --version), with the chart taken from the registry instead of ./charts."""
    [release] = plan(load_repo(repo), environment, SERVICE)
    args = [address if arg == f"charts/{SERVICE}" else arg for arg in release.args]
    assert args != list(release.args), release.args
    result = helm(program, *args, "--plain-http", cwd=repo)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_the_pushed_chart_renders_what_lockstep_render_renders(default_repo: Path, pushed: Pushed) -> None:
    for environment in ENVIRONMENTS:
        assert rendered_from("helm", default_repo, environment, pushed.address) == rendered_locally(
            default_repo, environment
        )


@pytest.mark.slow
def test_a_chart_edited_after_the_push_does_not_change_what_the_version_renders(
    default_repo: Path, pushed: Pushed
) -> None:
    before = rendered_locally(default_repo, "prod")
    edit(
        default_repo,
        f"charts/{SERVICE}/templates/deployment.yaml",
        "metadata:\n",
        "metadata:\n  annotations: {edited: 'yes'}\n",
    )
    assert "edited: 'yes'" in rendered_locally(default_repo, "prod")
    assert rendered_from("helm", default_repo, "prod", pushed.address) == before


def pulled_by_digest(pushed: Pushed, into: Path) -> bytes:
    """`helm pull oci://.../SERVICE@sha256:...` (helm v4): the package the registry holds under that digest."""
    into.mkdir()
    result = helm("helm", "pull", f"{pushed.address}@{pushed.digest}", "--plain-http", "-d", into)
    assert result.returncode == 0, result.stderr
    [pulled] = into.iterdir()
    return pulled.read_bytes()


@pytest.mark.slow
def test_the_same_package_pushed_again_has_the_same_digest(pushed: Pushed, tmp_path: Path) -> None:
    assert push(pushed.package, pushed.charts) == pushed.digest
    assert pulled_by_digest(pushed, tmp_path / "pulled") == pushed.package.read_bytes()


@pytest.mark.slow
def test_a_repackaged_chart_moves_the_tag_and_the_digest_still_names_the_first(
    default_repo: Path, pushed: Pushed, tmp_path: Path
) -> None:
    """helm package writes the files' modification times into the archive: the same chart packaged again after a
    checkout is another package, and the registry lets it replace the version's tag. The digest does not move."""
    os.utime(default_repo / f"charts/{SERVICE}/values.yaml", (1_000_000_000, 1_000_000_000))
    again = push(package(default_repo, tmp_path / "again"), pushed.charts)
    assert again != pushed.digest
    pinned = helm("helm", "pull", f"{pushed.address}:{VERSION}@{pushed.digest}", "--plain-http", "-d", tmp_path)
    assert pinned.returncode == 1
    assert f"digest mismatch: {again} is not {pushed.digest}" in pinned.stderr
    assert pulled_by_digest(pushed, tmp_path / "first") == pushed.package.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("helm3", [False, True], ids=["helm4", "helm3"])
def test_a_version_never_pushed_is_not_found(helm3: bool, pushed: Pushed, k8s_tools: K8sTools, tmp_path: Path) -> None:
    program = k8s_tools.helm3 if helm3 else "helm"
    result = helm(program, "pull", pushed.address, "--version", "0.2.0", "--plain-http", "-d", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(f"{pushed.address.removeprefix('oci://')}:0.2.0: not found"), result.stderr


@pytest.mark.slow
def test_helm3_pulls_and_renders_what_helm4_pushed_by_version_only(
    default_repo: Path, pushed: Pushed, k8s_tools: K8sTools, tmp_path: Path
) -> None:
    """helmfile 0.166 drives helm v3.15: it takes the chart by version, and refuses a digest reference."""
    result = helm(k8s_tools.helm3, "pull", pushed.address, "--version", VERSION, "--plain-http", "-d", tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Digest: {pushed.digest}" in result.stdout + result.stderr
    assert (tmp_path / pushed.package.name).read_bytes() == pushed.package.read_bytes()
    for environment in ENVIRONMENTS:
        assert rendered_from(k8s_tools.helm3, default_repo, environment, pushed.address) == rendered_locally(
            default_repo, environment
        )
    by_digest = helm(k8s_tools.helm3, "pull", f"{pushed.address}@{pushed.digest}", "--plain-http", "-d", tmp_path)
    assert by_digest.returncode == 1
    assert "invalid_reference: invalid tag" in by_digest.stderr


def test_without_docker_registry_the_fixture_says_what_installs_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as failed:
        registry_binary()
    assert str(failed.value) == REGISTRY_MISSING
    assert re.fullmatch(r"docker-registry is not on PATH: [^\n]*\.ci/run installs it[^\n]*", str(failed.value))
