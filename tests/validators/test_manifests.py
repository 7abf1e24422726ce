"""Rule family `manifests` on objects as helm prints them (`# Source:` comments and all), built here: the objects
main's charts do not render yet (Rollouts, NetworkPolicies, Ingresses) and each rule's placement. The real helm
runs in tests/validators/test_manifests_render.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import helm, kubeschema
from generator.findings import Finding
from generator.repository import Repo, load_repo
from generator.validators import manifests
from generator.validators.placement import template_line
from tests.conftest import edit

IMAGE = "registry.example.com/logistics/service-a:0.1.0"
ROLLOUT_TEMPLATE = "charts/service-a/templates/rollout.yaml"
POLICY_TEMPLATE = "charts/service-a/templates/networkpolicy.yaml"


def _service(name: str) -> str:
    return f"""---
# Source: service-a/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app.kubernetes.io/name: service-a
  ports:
    - name: http
      port: 8080
      targetPort: http
"""


SERVICES = _service("service-a") + _service("service-a-canary")

ROLLOUT = f"""---
# Source: service-a/templates/rollout.yaml
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: service-a
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: service-a
  strategy:
    canary:
      stableService: service-a
      canaryService: service-a-canary
      steps:
        - setWeight: 25
        - pause:
            duration: 30s
        - setWeight: 50
        - setWeight: 100
  template:
    metadata:
      labels:
        app.kubernetes.io/name: service-a
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: service-a
          image: {IMAGE}
          startupProbe:
            httpGet: {{path: /healthz, port: http}}
          livenessProbe:
            httpGet: {{path: /healthz, port: http}}
          readinessProbe:
            httpGet: {{path: /readyz, port: http}}
          resources:
            requests: {{cpu: 50m, memory: 64Mi}}
            limits: {{cpu: 500m, memory: 128Mi}}
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
"""

POLICY = """---
# Source: service-a/templates/networkpolicy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: service-a
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: service-a
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector:
            matchExpressions:
              - {key: app.kubernetes.io/name, operator: In, values: [service-b]}
      ports:
        - port: http
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}
"""

INGRESS = """---
# Source: service-a/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: service-a
spec:
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: service-a, port: {name: http}}
"""


def _templates(text: str) -> dict[str, str]:
    """The templates as the chart would hold them: here, each template's rendered text stands for it."""
    found: dict[str, str] = {}
    for chunk in text.split("---\n"):
        if chunk.startswith("# Source: "):
            source, _, body = chunk.partition("\n")
            path = "charts/service-a/" + source.removeprefix("# Source: ").split("/", 1)[1]
            found[path] = found.get(path, "") + body
    return found


def requiring(repo: Path) -> None:
    """service-b requires service-a (as the default platform will)."""
    edit(
        repo,
        "platform.yaml",
        "    api: services/service-b/openapi.yaml\n",
        '    api: services/service-b/openapi.yaml\n    requires: {service-a: "^0.1"}\n',
    )


def rendered(repo: Path, text: str, environment: str = "dev") -> Repo:
    """The repository at `repo`, with `text` as what helm rendered for service-a in `environment`."""
    loaded = load_repo(repo)
    release = helm.Release("service-a", environment, helm.parse(text))
    loaded.rendered = helm.Rendered((release,), templates=_templates(text))
    return loaded


def check(repo: Path, text: str) -> list[Finding]:
    return list(manifests.check(rendered(repo, text)))


GOOD = SERVICES + ROLLOUT + POLICY


@dataclass(frozen=True)
class Case:
    rule: str
    file: str
    needle: str | None  # the line (of `file` in the repository, or of the rendered template) that holds this text
    text: str  # what helm rendered for service-a in dev
    prepare: Callable[[Path], None] = requiring

    def __str__(self) -> str:
        return self.rule


def _canary_50_10() -> str:
    return GOOD.replace("- setWeight: 50\n        - setWeight: 100", "- setWeight: 10").replace(
        "setWeight: 25", "setWeight: 50"
    )


CASES = [
    Case("manifests.canary-steps", ROLLOUT_TEMPLATE, "steps:", _canary_50_10()),
    Case(
        "manifests.rollout-services",
        ROLLOUT_TEMPLATE,
        "canaryService:",
        _service("service-a") + ROLLOUT + POLICY,
    ),
    Case(
        "manifests.rollout-schema",
        ROLLOUT_TEMPLATE,
        "canaryTraffic:",
        GOOD.replace("      steps:", "      canaryTraffic: 5\n      steps:"),
    ),
    Case("manifests.image", ROLLOUT_TEMPLATE, "image:", GOOD.replace(IMAGE, IMAGE.replace("0.1.0", "0.0.9"))),
    Case(
        "manifests.probes",
        ROLLOUT_TEMPLATE,
        "containers:",
        GOOD.replace("          readinessProbe:\n            httpGet: {path: /readyz, port: http}\n", ""),
    ),
    Case(
        "manifests.startup-probe",
        ROLLOUT_TEMPLATE,
        "containers:",
        GOOD.replace("          startupProbe:\n            httpGet: {path: /healthz, port: http}\n", ""),
    ),
    Case(  # main's values files still set `resources`: the finding goes there
        "manifests.resources",
        "environments/dev/values/service-a.yaml",
        "resources:",
        GOOD.replace("            limits: {cpu: 500m, memory: 128Mi}\n", ""),
    ),
    Case(
        "manifests.security-context",
        ROLLOUT_TEMPLATE,
        "runAsNonRoot: false",
        GOOD.replace("            runAsNonRoot: true", "            runAsNonRoot: false"),
    ),
    Case(
        "manifests.network-policy",
        "platform.yaml",
        "requires: {service-a",
        GOOD.replace("values: [service-b]", "values: []"),
    ),
    Case("manifests.network-policy-missing", ROLLOUT_TEMPLATE, "kind: Rollout", SERVICES + ROLLOUT),
    Case("manifests.not-public", "charts/service-a/templates/ingress.yaml", "spec:", GOOD + INGRESS),
    Case(
        "manifests.kubernetes-schema",
        POLICY_TEMPLATE,
        "policyType:",
        GOOD.replace("  policyTypes:", "  policyType: Ingress\n  policyTypes:"),
    ),
    Case(
        "manifests.unchecked-kind",
        "charts/service-a/templates/monitor.yaml",
        "kind: ServiceMonitor",
        GOOD + "---\n# Source: service-a/templates/monitor.yaml\n"
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: service-a\n",
    ),
]


FIRING = (  # test_rollouts_are_refused_when_their_schema_is_absent, test_without_kubernetes_validate
    "manifests.rollout-schema-missing",
    "manifests.kubernetes-validate-missing",
)


def _line(repo: Path, file: str, text: str, needle: str | None) -> int:
    if needle is None:
        return 1
    source = (repo / file).read_text() if (repo / file).is_file() else _templates(text)[file]
    return next(number for number, line in enumerate(source.splitlines(), 1) if needle in line)


def test_the_good_release_has_no_finding(default_repo: Path) -> None:
    requiring(default_repo)
    assert check(default_repo, GOOD) == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_once_where_the_user_fixes_it(case: Case, default_repo: Path) -> None:
    case.prepare(default_repo)
    found = check(default_repo, case.text)
    assert [(f.rule, f.file, f.line) for f in found] == [
        (case.rule, case.file, _line(default_repo, case.file, case.text, case.needle))
    ], found


def test_canary_weights_that_do_not_reach_100(default_repo: Path) -> None:
    requiring(default_repo)
    [finding] = check(default_repo, GOOD.replace("        - setWeight: 100\n", ""))
    assert finding.rule == "manifests.canary-steps"
    assert finding.message == "Rollout service-a: the canary weights [25, 50] end at 50, not 100"


def test_blue_green_without_its_preview_service(default_repo: Path) -> None:
    requiring(default_repo)
    blue_green = GOOD.replace(
        "      stableService: service-a\n      canaryService: service-a-canary\n      steps:\n        - setWeight: 25\n"
        "        - pause:\n            duration: 30s\n        - setWeight: 50\n        - setWeight: 100\n",
        "      activeService: service-a\n      previewService: service-a-preview\n      autoPromotionEnabled: true\n",
    ).replace("    canary:\n", "    blueGreen:\n")
    found = check(default_repo, blue_green)
    line = _line(default_repo, ROLLOUT_TEMPLATE, blue_green, "previewService:")
    assert [(f.rule, f.file, f.line) for f in found] == [("manifests.rollout-services", ROLLOUT_TEMPLATE, line)]
    assert "previewService service-a-preview is not among the Services" in found[0].message


def test_a_policy_wider_than_requires_is_found_at_its_template(default_repo: Path) -> None:
    requiring(default_repo)
    wider = GOOD.replace("values: [service-b]", "values: [service-b, service-c]")
    [finding] = check(default_repo, wider)
    line = _line(default_repo, POLICY_TEMPLATE, wider, "ingress:")
    assert (finding.rule, finding.file, finding.line) == ("manifests.network-policy", POLICY_TEMPLATE, line)
    assert "accepts traffic from service-c, which does not require service-a" in finding.message


def test_a_requires_edge_without_egress(default_repo: Path) -> None:
    """service-a requires service-c: its own policy must let it reach service-c."""
    edit(
        default_repo,
        "platform.yaml",
        "    api: services/service-a/openapi.yaml\n",
        '    api: services/service-a/openapi.yaml\n    requires: {service-c: "^0.1"}\n',
    )
    requiring(default_repo)
    [finding] = check(default_repo, GOOD)
    assert (finding.rule, finding.file) == ("manifests.network-policy", "platform.yaml")
    assert (
        finding.message == "service-a requires service-c, but service-a's NetworkPolicy does not let it reach service-c"
    )


def test_rollouts_are_refused_when_their_schema_is_absent(default_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requiring(default_repo)
    monkeypatch.setattr(kubeschema, "ROLLOUT", "argo-rollouts/gone.schema.json")
    found = check(default_repo, GOOD)
    assert [(f.rule, f.level, f.file, f.line) for f in found] == [
        ("manifests.rollout-schema-missing", "error", ROLLOUT_TEMPLATE, 1)
    ]


def test_the_rollout_schema_is_strict_where_the_crd_does_not_keep_unknown_fields() -> None:
    schema = kubeschema.strict(
        {
            "properties": {
                "a": {"type": "object", "properties": {"b": {}}},
                "c": {"type": "object", "properties": {}, "x-kubernetes-preserve-unknown-fields": True},
            }
        }
    )
    assert schema["additionalProperties"] is False
    assert schema["properties"]["a"]["additionalProperties"] is False
    assert "additionalProperties" not in schema["properties"]["c"]


def test_nothing_without_render(default_repo: Path) -> None:
    assert list(manifests.check(load_repo(default_repo))) == []


def test_template_line_follows_the_path_down_the_file() -> None:
    text = (
        "spec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n"
        "        - name: a\n          securityContext:\n            runAsNonRoot: true\n"
    )
    assert template_line(text, ("spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot")) == 9
    assert template_line(text, ("spec", "template", "spec", "securityContext", "runAsNonRoot")) == 5
    assert template_line(text, ("status",)) == 1


def test_helm_lint_output_is_read_with_its_file_and_line() -> None:
    output = (
        "==> Linting charts/service-a\n[INFO] Chart.yaml: icon is recommended\n"
        "[ERROR] templates/: service-a/templates/service.yaml:17:12\n"
        '  executing "service-a/templates/service.yaml" at <.Values.nope.x>:\n    nil pointer evaluating\n\n'
        "[WARNING] values.yaml: file does not exist\n"
    )
    assert [(m.level, m.file, m.line) for m in helm.parse_lint(output)] == [
        ("ERROR", "templates/service.yaml", 17),
        ("WARNING", "values.yaml", 0),
    ]


def test_without_kubernetes_validate(default_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built-in objects are not left unchecked when kubernetes-validate is not installed: one error says so."""
    requiring(default_repo)
    monkeypatch.setattr(kubeschema, "_kubernetes", _not_installed)
    found = check(default_repo, GOOD)
    assert {(f.rule, f.file, f.line) for f in found} == {("manifests.kubernetes-validate-missing", "platform.yaml", 1)}


def _not_installed(*_: str) -> None:
    import kubernetes_validate_is_not_here  # type: ignore[import-not-found]  # noqa: F401


def test_a_values_file_the_charts_schema_refuses_is_found_at_the_key(default_repo: Path) -> None:
    """helm checks values against the chart's values.schema.json: its message names the key, the finding is there."""
    values = default_repo / "environments/dev/values/service-a.yaml"
    values.write_text(values.read_text() + "securityContext: {runAsUser: 0}\n")
    loaded = load_repo(default_repo)
    error = (
        "values don't meet the specifications of the schema(s) in the following chart(s):\nservice-a:\n"
        "- at '': additional properties 'securityContext' not allowed"
    )
    loaded.rendered = helm.Rendered((helm.Release("service-a", "dev", (), error),))
    [finding] = manifests.check(loaded)
    line = len(values.read_text().splitlines())
    assert (finding.rule, finding.file, finding.line) == (
        "manifests.helm-template",
        "environments/dev/values/service-a.yaml",
        line,
    )
