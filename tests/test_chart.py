"""The service chart (cookiecutter-template/service/.../charts/<service>), rendered by the real helm v4 with the
platform values helmfile and `lockstep render` set (contract: replicaCount, rollout, networkPolicy), for every
rollout, one and three replicas, network policies with and without peers, Ingress and HTTPRoute on and off.
What is rendered must pass kubernetes-validate --strict (built-in kinds) and the Argo Rollouts CRD schema made
strict (generator/kubeschema.py); checkov finds nothing in it nor in the four languages' Dockerfiles."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema
import kubernetes_validate
import pytest
import yaml

from generator.kubeschema import rollout_schema
from tests.conftest import K8sTools, installed_by, run_lockstep

pytestmark = pytest.mark.slow  # every test here runs helm

KUBERNETES_VERSION = "1.34"
LANGUAGES = {"service-a": "go", "service-b": "python", "service-c": "node", "service-d": "java"}
CANARY_STEPS = [{"weight": 25, "pause": "30s"}, {"weight": 50, "pause": "1m"}, {"weight": 100}]
PEERS = {
    "ingressFrom": ["service-b", "service-c"],
    "ingressNamespaces": ["ingress-nginx"],
    "egressTo": [{"name": "service-c", "port": 8081}],
}
NO_PEERS: dict[str, list[Any]] = {"ingressFrom": [], "ingressNamespaces": [], "egressTo": []}
# checkov checks we do not follow, each with its reason (README: "checkov")
CHECKOV_SKIPPED = {
    "CKV_K8S_15": "imagePullPolicy IfNotPresent: the image is a release version pinned by the lock (with its "
    "digest when the lock has one); Always makes every pod start depend on the registry",
    "CKV_K8S_43": "image by digest: the chart renders repository:tag@digest whenever the environment's lock pins "
    "a digest; the lock decides, and `validate --render` checks image == lock",
    "CKV_DOCKER_2": "HEALTHCHECK: Kubernetes ignores it; the chart's startup, liveness and readiness probes check "
    "the service (and distroless has no shell or curl to run one)",
}


class Case(NamedTuple):
    rollout: str
    replicas: int
    peers: bool
    routes: bool  # Ingress and HTTPRoute on

    @property
    def id(self) -> str:
        peers, routes = ("peers" if self.peers else "nopeers"), ("routes" if self.routes else "noroutes")
        return f"{self.rollout}-x{self.replicas}-{peers}-{routes}"


CASES = [
    Case(*values)
    for values in itertools.product(("rolling", "blue-green", "canary"), (1, 3), (False, True), (False, True))
]


def platform_values(case: Case) -> dict[str, Any]:
    """What contract section 2 has helmfile set last: replicas, rollout, network policy lists."""
    rollout: dict[str, Any] = {"strategy": case.rollout}
    if case.rollout == "canary":
        rollout["steps"] = CANARY_STEPS
    if case.rollout == "blue-green":
        rollout["autoPromotion"] = False
    values: dict[str, Any] = {
        "replicaCount": case.replicas,
        "rollout": rollout,
        "networkPolicy": PEERS if case.peers else NO_PEERS,
    }
    if case.routes:
        values["ingress"] = {"enabled": True, "className": "nginx", "host": "a.example.com", "tlsSecret": "a-tls"}
        values["httpRoute"] = {
            "enabled": True,
            "parentRefs": [{"name": "public", "namespace": "gateway"}],
            "hostnames": ["a.example.com"],
        }
    return values


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`lockstep new --no-input` with a service in each language; its charts/ folder."""
    repo = tmp_path_factory.mktemp("chart") / "platform"
    services = ",".join(f"{name}:{language}" for name, language in LANGUAGES.items())
    result = run_lockstep("new", "--no-input", "--services", services, repo)
    assert result.code == 0, result.err
    return repo / "charts"


def helm_template(chart: Path, values: dict[str, Any], *options: str) -> subprocess.CompletedProcess[str]:
    sets = [option for key, value in values.items() for option in ("--set-json", f"{key}={json.dumps(value)}")]
    command = ["helm", "template", chart.name, str(chart), "--namespace", "shop-prod"]
    command += ["--kube-version", KUBERNETES_VERSION, *sets, *options]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def rendered(chart: Path, values: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    result = helm_template(chart, values)
    assert result.returncode == 0, result.stderr
    objects = [o for o in yaml.safe_load_all(result.stdout) if o]
    found = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    assert len(found) == len(objects)  # no two objects of a kind share a name
    assert {o["metadata"]["namespace"] for o in objects} == {"shop-prod"}
    return found


def workload(objects: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    [found] = [o for (kind, _), o in objects.items() if kind in ("Deployment", "Rollout")]
    return found


def validate_kubernetes(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    """kubernetes-validate --strict for the built-in kinds; Rollouts against the CRD schema, made strict."""
    for (kind, _), o in objects.items():
        if kind == "Rollout":
            jsonschema.validate(o, rollout_schema())
        elif kind != "HTTPRoute":  # a Gateway API CRD: kubernetes-validate has no schema for it
            kubernetes_validate.validate(o, KUBERNETES_VERSION + ".0", strict=True)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_chart_renders_what_the_platform_asks_for(case: Case, charts: Path, k8s_tools: K8sTools) -> None:
    objects = rendered(charts / "service-a", platform_values(case))
    kinds = {"ServiceAccount", "Service", "NetworkPolicy"}
    kinds |= {"Deployment"} if case.rollout == "rolling" else {"Rollout"}
    kinds |= {"PodDisruptionBudget"} if case.replicas > 1 else set()
    kinds |= {"Ingress", "HTTPRoute"} if case.routes else set()
    assert {kind for kind, _ in objects} == kinds
    services = {name for kind, name in objects if kind == "Service"}
    extra = {"rolling": set(), "blue-green": {"service-a-preview"}, "canary": {"service-a-canary"}}[case.rollout]
    assert services == {"service-a"} | extra

    pods = workload(objects)
    assert pods["metadata"]["name"] == "service-a" and pods["spec"]["replicas"] == case.replicas
    assert pods["spec"]["minReadySeconds"] == 10
    if case.rollout == "rolling":
        assert pods["spec"]["strategy"] == {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
        }
    elif case.rollout == "blue-green":
        strategy = pods["spec"]["strategy"]["blueGreen"]
        assert strategy == {
            "activeService": "service-a",
            "previewService": "service-a-preview",
            "autoPromotionEnabled": False,
        }
    else:
        strategy = pods["spec"]["strategy"]["canary"]
        assert (strategy["stableService"], strategy["canaryService"]) == ("service-a", "service-a-canary")
        assert strategy["steps"] == [
            {"setWeight": 25},
            {"pause": {"duration": "30s"}},
            {"setWeight": 50},
            {"pause": {"duration": "1m"}},
            {"setWeight": 100},
        ]

    pod = pods["spec"]["template"]["spec"]
    [container] = pod["containers"]
    selector = pods["spec"]["selector"]["matchLabels"]
    spread = pod.get("topologySpreadConstraints", [])
    if case.replicas > 1:
        assert objects["PodDisruptionBudget", "service-a"]["spec"] == {
            "maxUnavailable": 1,
            "selector": {"matchLabels": selector},
        }
        assert {(c["topologyKey"], c["whenUnsatisfiable"]) for c in spread} == {
            ("topology.kubernetes.io/zone", "ScheduleAnyway"),
            ("kubernetes.io/hostname", "ScheduleAnyway"),
        }
        assert all(c["labelSelector"]["matchLabels"] == selector for c in spread)
    else:
        assert spread == []

    account = objects["ServiceAccount", "service-a"]
    assert account["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == "service-a" and pod["automountServiceAccountToken"] is False
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = int({e["name"]: e.get("value") for e in container["env"]}["DRAIN_SECONDS"])
    assert (pre_stop, drain) == (5, 5) and pod["terminationGracePeriodSeconds"] > pre_stop + drain + 5
    assert {p: container[p]["httpGet"]["path"] for p in ("startupProbe", "livenessProbe", "readinessProbe")} == {
        "startupProbe": "/healthz",
        "livenessProbe": "/healthz",
        "readinessProbe": "/readyz",
    }

    policy = objects["NetworkPolicy", "service-a"]["spec"]
    assert policy["podSelector"] == {"matchLabels": selector} and policy["policyTypes"] == ["Ingress", "Egress"]
    egress = [(rule["to"], rule["ports"]) for rule in policy["egress"]]
    dns = (
        [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
        [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
    )
    if case.peers:
        [ingress] = policy["ingress"]
        assert ingress["ports"] == [{"port": "http", "protocol": "TCP"}]
        assert ingress["from"] == [
            {
                "podSelector": {
                    "matchExpressions": [
                        {"key": "app.kubernetes.io/name", "operator": "In", "values": ["service-b", "service-c"]}
                    ]
                }
            },
            {
                "namespaceSelector": {
                    "matchExpressions": [
                        {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["ingress-nginx"]}
                    ]
                }
            },
        ]
        assert egress == [
            dns,
            (
                [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "service-c"}}}],
                [{"port": 8081, "protocol": "TCP"}],
            ),
        ]
    else:
        assert policy["ingress"] == [] and egress == [dns]  # deny all but DNS

    if case.routes:
        ingress_spec = objects["Ingress", "service-a"]["spec"]
        assert ingress_spec["tls"] == [{"secretName": "a-tls", "hosts": ["a.example.com"]}]
        assert ingress_spec["rules"][0]["http"]["paths"][0]["backend"]["service"] == {
            "name": "service-a",
            "port": {"name": "http"},
        }
        route = objects["HTTPRoute", "service-a"]["spec"]
        assert route["rules"] == [{"backendRefs": [{"name": "service-a", "port": 8080}]}]
    validate_kubernetes(objects)


@pytest.mark.parametrize("service", sorted(LANGUAGES))
def test_each_language_renders_with_its_resources(service: str, charts: Path, k8s_tools: K8sTools) -> None:
    lint = subprocess.run(["helm", "lint", "--strict", charts / service], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    objects = rendered(charts / service, platform_values(Case("rolling", 2, True, False)))
    [container] = workload(objects)["spec"]["template"]["spec"]["containers"]
    memory = ("256Mi", "512Mi") if LANGUAGES[service] == "java" else ("64Mi", "128Mi")
    assert container["resources"] == {
        "requests": {"cpu": "50m", "memory": memory[0]},
        "limits": {"cpu": "500m", "memory": memory[1]},
    }
    assert container["name"] == service and container["image"] == f"registry.example.com/logistics/{service}:0.1.0"
    validate_kubernetes(objects)


def test_a_rollout_runs_the_pods_a_deployment_runs(charts: Path, k8s_tools: K8sTools) -> None:
    """checkov has no checks for Argo Rollouts: their pod template is the Deployment's, which it checks."""
    pods = {
        rollout: workload(rendered(charts / "service-b", platform_values(Case(rollout, 3, True, True))))["spec"][
            "template"
        ]
        for rollout in ("rolling", "blue-green", "canary")
    }
    assert pods["rolling"] == pods["blue-green"] == pods["canary"]


def test_a_rollout_with_an_unknown_field_is_refused_by_the_strict_crd_schema(charts: Path, k8s_tools: K8sTools) -> None:
    rollout = workload(rendered(charts / "service-a", platform_values(Case("canary", 1, False, False))))
    jsonschema.validate(rollout, rollout_schema())
    rollout["spec"]["strategy"]["canary"]["stepz"] = rollout["spec"]["strategy"]["canary"].pop("steps")
    with pytest.raises(jsonschema.ValidationError, match="'stepz' was unexpected"):
        jsonschema.validate(rollout, rollout_schema())


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"replicaCont": 3}, "additional properties 'replicaCont' not allowed"),
        ({"rollout": {"strategy": "canary"}}, "/rollout/steps"),
        ({"rollout": {"strategy": "rolling", "steps": [{"weight": 100}]}}, "/rollout/steps"),
        ({"rollout": {"strategy": "canary", "steps": [{"weight": 100, "pause": "soon"}]}}, "/rollout/steps/0/pause"),
        ({"drain": {"preStopSeconds": "5"}}, "/drain/preStopSeconds"),
        ({"networkPolicy": {"egressTo": [{"name": "service-c"}]}}, "/networkPolicy/egressTo/0"),
        ({"ingress": {"enabled": True, "hots": "a.example.com"}}, "additional properties 'hots' not allowed"),
    ],
)
def test_values_the_chart_does_not_take_make_helm_template_fail(
    values: dict[str, Any], message: str, charts: Path, k8s_tools: K8sTools
) -> None:
    result = helm_template(charts / "service-a", values)
    assert result.returncode != 0 and result.stdout == ""
    assert "values don't meet the specifications of the schema" in result.stderr and message in result.stderr


@pytest.fixture(scope="session")
def checkov(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """checkov from PATH (.ci/run installs it in a virtual environment of its own: tools/checkov_venv.py), else
    that script run now, once per test run."""
    found = shutil.which("checkov")
    if found is not None:
        return Path(found)
    return installed_by("checkov_venv.py", tmp_path_factory) / "checkov"


def checkov_failures(checkov: Path, framework: str, *targets: str | Path) -> Iterator[str]:
    result = subprocess.run(
        [
            checkov,
            "--framework",
            framework,
            "--skip-download",
            "--output",
            "json",
            "--quiet",
            "--skip-check",
            ",".join(CHECKOV_SKIPPED),
            *targets,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    for run in report if isinstance(report, list) else [report]:
        if isinstance(run, dict) and "results" in run:
            for check in run["results"].get("failed_checks", []):
                yield f"{check['check_id']} {check['resource']}: {check['check_name']}"


def test_checkov_finds_nothing_in_the_manifests_and_dockerfiles(
    charts: Path, k8s_tools: K8sTools, checkov: Path, tmp_path: Path
) -> None:
    for case in CASES:
        if case.peers and case.routes:
            result = helm_template(charts / "service-a", platform_values(case))
            assert result.returncode == 0, result.stderr
            (tmp_path / f"{case.id}.yaml").write_text(result.stdout)
    assert len(list(tmp_path.glob("*.yaml"))) == 6  # every rollout, one and three replicas
    assert list(checkov_failures(checkov, "kubernetes", "--directory", tmp_path)) == []
    dockerfiles = [
        option for service in LANGUAGES for option in ("--file", charts.parent / "services" / service / "Dockerfile")
    ]
    assert list(checkov_failures(checkov, "dockerfile", *dockerfiles)) == []
