"""`lockstep render --env ENV`: what an environment deploys, rendered by the real helm (v4), compared with what
the generated helmfile renders (helmfile 0.166 driving helm v3) and checked by kubernetes-validate --strict.
The tools come from PyPI through tools/k8s_tools.py (the `k8s_tools` fixture); .ci/run installs them first."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BIN, K8sTools, derive, edit, run_lockstep, validate

DEV_LOCK = "environments/dev/platform.lock.yaml"
DIGEST = "sha256:" + "0123456789abcdef" * 4
ENVIRONMENTS = ("dev", "stage", "prod")


def objects(stream: str) -> list[dict[str, Any]]:
    """The objects of a YAML stream, in a stable order (kind, namespace, name)."""
    found = [doc for doc in yaml.safe_load_all(stream) if doc]
    return sorted(found, key=lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]))


def render(repo: Path, environment: str, *options: str) -> list[dict[str, Any]]:
    result = run_lockstep("render", "--env", environment, "--repo", repo, *options)
    assert result.code == 0, result.err
    return objects(result.out)


def helmfile_template(tools: K8sTools, repo: Path, environment: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [tools.helmfile, "--helm-binary", tools.helm3, "-e", environment, "template", "--skip-deps"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return objects(result.stdout)


def images(rendered: list[dict[str, Any]]) -> dict[str, str]:
    return {
        o["metadata"]["name"]: o["spec"]["template"]["spec"]["containers"][0]["image"]
        for o in rendered
        if o["kind"] == "Deployment"
    }


@pytest.mark.slow
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_render_is_what_helmfile_deploys(environment: str, default_repo: Path, k8s_tools: K8sTools) -> None:
    rendered = render(default_repo, environment)
    assert rendered == helmfile_template(k8s_tools, default_repo, environment)
    assert {"Deployment", "Service", "ServiceAccount", "NetworkPolicy"} <= {o["kind"] for o in rendered}
    assert sorted(images(rendered)) == ["service-a", "service-b", "service-c"]


@pytest.mark.slow
def test_environments_render_into_their_own_namespaces(default_repo: Path, k8s_tools: K8sTools) -> None:
    edit(default_repo, "platform.yaml", "namespace: logistics-prod", "namespace: shop")
    for environment, namespace in (("dev", "logistics-dev"), ("prod", "shop")):
        rendered = render(default_repo, environment)
        assert {o["metadata"]["namespace"] for o in rendered} == {namespace}
        assert rendered == helmfile_template(k8s_tools, default_repo, environment)


@pytest.mark.slow
def test_a_digest_in_the_lock_is_rendered(default_repo: Path, k8s_tools: K8sTools) -> None:
    image = "registry.example.com/logistics/service-b:0.1.0"
    edit(default_repo, DEV_LOCK, f"image: {image}\n", f"image: {image}@{DIGEST}\n")
    rendered = render(default_repo, "dev")
    assert images(rendered) == {
        "service-a": "registry.example.com/logistics/service-a:0.1.0",
        "service-b": f"{image}@{DIGEST}",
        "service-c": "registry.example.com/logistics/service-c:0.1.0",
    }
    assert rendered == helmfile_template(k8s_tools, default_repo, "dev")


@pytest.mark.slow
def test_every_rendered_object_is_valid_kubernetes(default_repo: Path, k8s_tools: K8sTools, tmp_path: Path) -> None:
    files = []
    for environment in ENVIRONMENTS:
        result = run_lockstep("render", "--env", environment, "--repo", default_repo, "-o", tmp_path / environment)
        assert result.code == 0, result.err
        services = ("service-a", "service-b", "service-c")
        assert result.out.splitlines() == [f"wrote {tmp_path / environment / s}.yaml" for s in services]
        files += sorted((tmp_path / environment).glob("*.yaml"))
    assert len(files) == 9
    version = yaml.safe_load((default_repo / "platform.yaml").read_text())["kubernetesVersion"]
    result = subprocess.run(
        [BIN / "kubernetes-validate", "--strict", "--kubernetes-version", f"{version}.0", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" passed for resource ") == sum(len(objects(f.read_text())) for f in files) >= 36
    assert f"against version {version}" in result.stdout


@pytest.mark.slow
def test_promoting_a_service_changes_only_its_image_there(
    strategy_repo: Callable[..., Path], k8s_tools: K8sTools
) -> None:
    repo = strategy_repo("independent")
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    before = {environment: render(repo, environment) for environment in ENVIRONMENTS}
    assert run_lockstep("promote", "stage", "--service", "service-a", "--repo", repo).code == 0
    after = {environment: render(repo, environment) for environment in ENVIRONMENTS}
    assert after["dev"] == before["dev"] and after["prod"] == before["prod"]
    changed = {o["metadata"]["name"]: o for o in after["stage"] if o["kind"] == "Deployment"}
    assert images(after["stage"]) == {**images(before["stage"]), "service-a": images(before["dev"])["service-a"]}
    # the Deployment of service-a differs in its version only (image, labels, SERVICE_VERSION), the rest not at all
    assert [o for o in after["stage"] if o["metadata"]["name"] != "service-a"] == [
        o for o in before["stage"] if o["metadata"]["name"] != "service-a"
    ]
    version = images(before["dev"])["service-a"].rsplit(":", 1)[1]
    assert changed["service-a"]["metadata"]["labels"]["app.kubernetes.io/version"] == version


VALUES_DUMP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-values
data:
  values: {{ .Values | toJson | quote }}
"""


def platform_with_every_option(repo: Path) -> None:
    """Canary with steps, blue-green without auto-promotion, the canary defaults, replicas and resources with
    per-environment overrides, a public service, a custom ingress namespace, and the default `requires` edge. Each
    chart also renders its values (a ConfigMap), so that equal renders mean equal values, the keys the current
    templates do not read included."""
    edit(repo, "platform.yaml", "ingressNamespace: ingress-nginx", "ingressNamespace: gateways")
    edit(
        repo,
        "platform.yaml",
        "    rollout: rolling\n",
        "    rollout: {strategy: canary, steps: [{weight: 10, pause: 1m}, {weight: 60}, {weight: 100}]}\n"
        "    public: true\n    resources: {requests: {cpu: 100m}, limits: {memory: 256Mi}}\n",
    )
    edit(repo, "platform.yaml", "    rollout: rolling\n", "    rollout: {strategy: blue-green, autoPromotion: false}\n")
    edit(repo, "platform.yaml", "    rollout: rolling\n", "    rollout: canary\n")
    edit(
        repo,
        "platform.yaml",
        "      dev: {replicas: 1}\n",
        "      dev: {replicas: 1}\n      prod: {replicas: 3, resources: {limits: {cpu: 1, memory: 512Mi}}}\n",
        2,
    )
    for service in ("service-a", "service-b", "service-c"):
        (repo / f"charts/{service}/templates/values-dump.yaml").write_text(VALUES_DUMP)
    derive(repo)
    assert validate(repo).out == "no findings\n"


@pytest.mark.slow
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_helmfile_and_render_pass_the_same_platform_values(
    environment: str, default_repo: Path, k8s_tools: K8sTools
) -> None:
    platform_with_every_option(default_repo)
    rendered = render(default_repo, environment)
    assert rendered == helmfile_template(k8s_tools, default_repo, environment)
    values = {
        o["metadata"]["name"].removesuffix("-values"): json.loads(o["data"]["values"])
        for o in rendered
        if o["kind"] == "ConfigMap"
    }
    a, b, c = values["service-a"], values["service-b"], values["service-c"]
    assert a["rollout"]["steps"] == [{"weight": 10, "pause": "1m"}, {"weight": 60}, {"weight": 100}]
    assert b["rollout"]["strategy"] == "blue-green" and b["rollout"]["autoPromotion"] is False
    assert c["rollout"]["steps"] == [{"weight": 25, "pause": "30s"}, {"weight": 50, "pause": "30s"}, {"weight": 100}]
    assert a["networkPolicy"]["ingressFrom"] == ["service-b"]
    assert a["networkPolicy"]["ingressNamespaces"] == ["gateways"]
    assert b["networkPolicy"]["egressTo"] == [{"name": "service-a", "port": 8080}]
    assert c["networkPolicy"]["ingressNamespaces"] == [] and c["networkPolicy"]["egressTo"] == []
    replicas = {"dev": (1, 1, 1), "stage": (2, 2, 2), "prod": (3, 3, 2)}[environment]
    assert (a["replicaCount"], b["replicaCount"], c["replicaCount"]) == replicas
    assert a["resources"]["requests"]["cpu"] == "100m"  # the service's, over the chart's
    assert a["resources"]["limits"]["memory"] == ("512Mi" if environment == "prod" else "256Mi")  # prod's override
    assert b["resources"]["limits"]["cpu"] == (1 if environment == "prod" else "500m")  # the chart's default


def test_without_helm_render_says_how_to_install_it(default_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(BIN))
    result = run_lockstep("render", "--env", "dev", "--repo", default_repo)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and "helm is not on PATH: install helm" in result.err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--env", "qa"), "unknown environment `qa` (environments: dev, stage, prod)"),
        (("--env", "dev", "--service", "nope"), "--service: `nope` is not in platform.yaml"),
    ],
)
def test_render_of_what_does_not_exist_is_usage_error(
    default_repo: Path, options: tuple[str, ...], message: str
) -> None:
    result = run_lockstep("render", *options, "--repo", default_repo)
    assert (result.code, result.err) == (2, f"lockstep: error: {message}\n")


def test_a_lock_pinning_a_service_platform_yaml_lacks_is_usage_error(default_repo: Path) -> None:
    platform = default_repo / "platform.yaml"
    text = platform.read_text()
    platform.write_text(text[: text.index("  service-c:")])
    result = run_lockstep("render", "--env", "dev", "--repo", default_repo)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "lockstep: error: environments/dev/platform.lock.yaml pins `service-c`, which is not a service of"
        " platform.yaml: `lockstep validate` says why\n"
    )


@pytest.mark.slow
def test_helm_failing_is_one_line_naming_the_service(default_repo: Path, k8s_tools: K8sTools, tmp_path: Path) -> None:
    # valid YAML, but the port breaks the Deployment helm renders
    edit(default_repo, "environments/prod/values/service-c.yaml", "env: {}", 'service: {port: "80\\nx: ["}')
    result = run_lockstep("render", "--env", "prod", "--repo", default_repo, "-o", tmp_path / "out")
    assert result.code == 2 and result.err.startswith("lockstep: error: helm template of `service-c` for prod failed: ")
    assert result.err.count("\n") == 1 and not (tmp_path / "out").exists()  # nothing written


@pytest.mark.slow
def test_the_tools_fixture_gives_the_pinned_versions(k8s_tools: K8sTools) -> None:
    versions = {
        "helm": subprocess.run(["helm", "version", "--short"], capture_output=True, text=True, check=True).stdout,
        "helm3": subprocess.run(
            [k8s_tools.helm3, "version", "--short"], capture_output=True, text=True, check=True
        ).stdout,
    }
    assert versions["helm"].startswith("v4.") and versions["helm3"].startswith("v3.15.")
    assert os.access(k8s_tools.helmfile, os.X_OK) and os.access(k8s_tools.bin / "kubectl", os.X_OK)
