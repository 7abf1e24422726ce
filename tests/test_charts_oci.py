"""Built pins deploy the chart the pipeline pushed: helmfile (0.166, helm v3) and `lockstep render` (helm v4) pull
`<charts>/<service>` by the pin's version from a real local registry (the `oci_registry` fixture), render it with
the same values, and render checks the pulled digest against the lock's `chart`; a pin not built yet renders
./charts/<service> of the working tree. `validate --render` reports a registry that does not give the pinned
chart, and points the findings on a pulled chart at the lock's pin."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import validation
from generator.findings import Finding
from tests.commands.test_render import ENVIRONMENTS, helmfile_template, platform_with_every_option, render
from tests.conftest import K8sTools, OciRegistry, edit, line_of, run_lockstep, use_registry

ANNOTATION = "metadata:\n  annotations: {edited: 'on main'}\n"


@pytest.fixture
def independent(strategy_repo: Callable[..., Path]) -> Path:
    """A fresh platform whose environments move one service at a time (its locks are not platform releases)."""
    return strategy_repo("independent")


def helm(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["helm", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False)


def build(repo: Path, service: str, version: str, charts: str) -> str:
    """What the build pipeline does with a chart: `helm package --version --app-version`, `helm push`; the
    digest helm printed."""
    folder = repo.parent / f"packaged-{service}-{version}"
    packaged = helm(
        "package", f"charts/{service}", "--version", version, "--app-version", version, "-d", folder, cwd=repo
    )
    assert packaged.returncode == 0, packaged.stderr
    pushed = helm("push", folder / f"{service}-{version}.tgz", charts, "--plain-http")
    assert pushed.returncode == 0, pushed.stderr
    match = re.search(r"^Digest: (sha256:[0-9a-f]{64})$", pushed.stdout + pushed.stderr, flags=re.MULTILINE)
    assert match is not None, pushed.stdout + pushed.stderr
    return match[1]


def pin(repo: Path, environment: str, service: str, chart: str, image_digest: str = "") -> str:
    """`service`'s pin in `environment`'s lock given the chart digest (and the image a digest): the lock's image."""
    lock = f"environments/{environment}/platform.lock.yaml"
    text = (repo / lock).read_text()
    image = re.search(rf"^  {service}:\n    version: \S+\n    image: (\S+)\n", text, flags=re.MULTILINE)
    assert image is not None, text
    ref = f"{image[1]}@{image_digest}" if image_digest else image[1]
    edit(repo, lock, image[0], image[0].replace(f"image: {image[1]}\n", f"image: {ref}\n    chart: {chart}\n"))
    return ref


def checked(repo: Path) -> list[Finding]:
    return validation.checked(repo, render=True)[1]


def folder_of(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")


def workloads(rendered: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in rendered if o["kind"] in ("Deployment", "Rollout")}


@pytest.mark.slow
def test_a_built_pin_deploys_the_pushed_chart_in_helmfile_and_render_alike(
    independent: Path, k8s_tools: K8sTools, oci_registry: OciRegistry, request: pytest.FixtureRequest
) -> None:
    charts = oci_registry.charts(folder_of(request))
    platform_with_every_option(independent)  # every platform value, and each chart dumps its values
    use_registry(independent, charts)
    digest = build(independent, "service-a", "0.1.0", charts)
    image = pin(independent, "prod", "service-a", digest, "sha256:" + "ab" * 32)
    pin(independent, "stage", "service-a", digest)
    edit(independent, "charts/service-a/templates/deployment.yaml", "metadata:\n", ANNOTATION)  # after the build
    edit(independent, "charts/service-a/templates/rollout.yaml", "metadata:\n", ANNOTATION)
    assert checked(independent) == []
    for environment in ENVIRONMENTS:
        rendered = render(independent, environment)
        assert rendered == helmfile_template(k8s_tools, independent, environment)
        service_a = workloads(rendered)["service-a"]
        edited = service_a["metadata"].get("annotations") == {"edited": "on main"}
        assert edited == (environment == "dev")  # dev's pin is not built: the working tree's chart
        values = next(o for o in rendered if o["metadata"]["name"] == "service-a-values")
        assert json.loads(values["data"]["values"])["rollout"]["strategy"] == "canary"  # platform values reach it
    [container] = workloads(render(independent, "prod"))["service-a"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == image  # the lock's image verbatim, digest and all
    assert {"name": "SERVICE_VERSION", "value": "0.1.0"} in container["env"]


@pytest.mark.slow
def test_a_chart_the_registry_gives_with_another_digest_is_refused(
    independent: Path, k8s_tools: K8sTools, oci_registry: OciRegistry, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    charts = oci_registry.charts(folder_of(request))
    use_registry(independent, charts)
    pushed = build(independent, "service-b", "0.1.0", charts)
    pinned = "sha256:" + "0" * 64
    pin(independent, "stage", "service-b", pinned)
    result = run_lockstep("render", "--env", "stage", "--repo", independent, "-o", tmp_path / "out")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"lockstep: error: {charts}/service-b:0.1.0 in the registry is {pushed}"
        f" but environments/stage/platform.lock.yaml pins {pinned}\n"
    )
    assert not (tmp_path / "out").exists()
    lock = "environments/stage/platform.lock.yaml"
    [finding] = checked(independent)
    assert (finding.rule, finding.file, finding.line) == (
        "manifests.chart-digest",
        lock,
        line_of(independent, lock, pinned),
    )


@pytest.mark.slow
def test_a_registry_that_does_not_answer_is_one_line_and_one_finding(
    independent: Path, k8s_tools: K8sTools, oci_registry: OciRegistry
) -> None:
    use_registry(independent, "oci://127.0.0.1:9/charts")  # the discard port: nothing listens
    for environment in ENVIRONMENTS:
        for service in ("service-a", "service-b"):
            pin(independent, environment, service, "sha256:" + "1" * 64)
    result = run_lockstep("render", "--env", "prod", "--repo", independent)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(
        "lockstep: error: cannot pull oci://127.0.0.1:9/charts/service-a 0.1.0 from the registry 127.0.0.1:9: "
    )
    assert result.err.count("\n") == 1 and "connection refused" in result.err
    [finding] = checked(independent)  # six pins, one registry
    assert (finding.rule, finding.file, finding.line) == (
        "manifests.chart-pull",
        "platform.yaml",
        line_of(independent, "platform.yaml", "charts: oci://127.0.0.1:9/charts"),
    )
    assert "127.0.0.1:9" in finding.message


@pytest.mark.slow
def test_a_version_never_pushed_is_a_finding_at_each_lock_that_pins_it(
    independent: Path, k8s_tools: K8sTools, oci_registry: OciRegistry, request: pytest.FixtureRequest
) -> None:
    charts = oci_registry.charts(folder_of(request))
    use_registry(independent, charts)
    build(independent, "service-a", "0.1.0", charts)  # the registry answers, but has no service-c
    unpushed = "sha256:" + "2" * 64
    pin(independent, "stage", "service-c", unpushed)
    pin(independent, "prod", "service-c", unpushed)
    found = [(f.rule, f.file, f.line) for f in checked(independent)]
    assert found == [
        ("manifests.chart-pull", lock, line_of(independent, lock, unpushed))
        for lock in ("environments/prod/platform.lock.yaml", "environments/stage/platform.lock.yaml")
    ]
    result = run_lockstep("render", "--env", "prod", "--service", "service-c", "--repo", independent)
    assert result.code == 2 and result.err.endswith(f"{charts.removeprefix('oci://')}/service-c:0.1.0: not found\n")


@pytest.mark.slow
def test_findings_on_a_pulled_chart_point_at_the_lock_pin(
    independent: Path, k8s_tools: K8sTools, oci_registry: OciRegistry, request: pytest.FixtureRequest
) -> None:
    """The registry's chart is not the working tree's: a finding on what it rendered goes to the pin that chose it
    (and the working tree's chart, fixed meanwhile, is not blamed)."""
    charts = oci_registry.charts(folder_of(request))
    use_registry(independent, charts)
    helpers = "charts/service-a/templates/_helpers.tpl"
    original = (independent / helpers).read_text()
    edit(independent, helpers, "      readinessProbe:\n", "      readinessProbeGone:\n")
    edit(independent, helpers, "      readinessProbeGone:\n", "      x-readiness:\n")
    digest = build(independent, "service-a", "0.1.0", charts)
    (independent / helpers).write_text(original)  # fixed on main, after the build
    pin(independent, "prod", "service-a", digest)
    found = [(f.rule, f.file, f.line) for f in checked(independent) if f.rule != "manifests.kubernetes-schema"]
    lock = "environments/prod/platform.lock.yaml"
    assert found == [("manifests.probes", lock, line_of(independent, lock, digest))]


@pytest.mark.slow
def test_helmfile_reads_the_derived_platform_values_after_add_and_remove_service(
    independent: Path, k8s_tools: K8sTools
) -> None:
    added = run_lockstep("add-service", "service-d", "--language", "python", "--repo", independent)
    assert added.code == 0, added.err
    for environment in ENVIRONMENTS:
        derived = yaml.safe_load((independent / f"deploy/values/{environment}/service-d.yaml").read_text())
        rendered = render(independent, environment)
        assert rendered == helmfile_template(k8s_tools, independent, environment)
        deployed = workloads(rendered)
        if "service-d" in deployed:
            assert deployed["service-d"]["spec"]["replicas"] == derived["replicaCount"]
    assert "service-d" in workloads(render(independent, ENVIRONMENTS[0]))
    removed = run_lockstep("remove-service", "service-d", "--repo", independent)
    assert removed.code == 0, removed.err
    assert not list((independent / "deploy/values").glob("*/service-d.yaml"))
    for environment in ENVIRONMENTS:
        rendered = render(independent, environment)
        assert rendered == helmfile_template(k8s_tools, independent, environment)
        assert sorted(workloads(rendered)) == ["service-a", "service-b", "service-c"]
