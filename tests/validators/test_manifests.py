"""Rule family `manifests` on what the generated charts never render, built here as helm prints it (`# Source:`
comments and all): NetworkPolicies wider than the charts write them, a canary Rollout that sets no weight or
names no Services; and the readers the family stands on (helm lint's output, the template line of a field,
the strict Rollout schema). The real charts, rendered by the real helm, are in test_manifests_render.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import helm, kubeschema
from generator.findings import Finding
from generator.repository import load_repo
from generator.validators import manifests
from generator.validators.placement import template_line

IMAGE = "registry.example.com/logistics/service-a:0.1.0"
ROLLOUT_TEMPLATE = "charts/service-a/templates/rollout.yaml"
POLICY_TEMPLATE = "charts/service-a/templates/networkpolicy.yaml"

SERVICES = """---
# Source: service-a/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: service-a
spec:
  selector:
    app.kubernetes.io/name: service-a
  ports:
    - {name: http, port: 8080, targetPort: http}
"""

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
      steps:
        - setWeight: 25
        - pause: {{duration: 30s}}
        - setWeight: 100
  template:
    metadata:
      labels:
        app.kubernetes.io/name: service-a
    spec:
      containers:
        - name: service-a
          image: {IMAGE}
          startupProbe: {{httpGet: {{path: /healthz, port: http}}}}
          livenessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          readinessProbe: {{httpGet: {{path: /readyz, port: http}}}}
          resources:
            requests: {{cpu: 50m, memory: 64Mi}}
            limits: {{cpu: 500m, memory: 128Mi}}
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: {{drop: [ALL]}}
"""

INGRESS_FROM_B = """\
    - from:
        - podSelector:
            matchExpressions:
              - {key: app.kubernetes.io/name, operator: In, values: [service-b]}
      ports:
        - port: http
"""
POLICY = f"""---
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
{INGRESS_FROM_B}\
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - {{port: 53, protocol: UDP}}
        - {{port: 53, protocol: TCP}}
"""

# A canary without Services, which Argo Rollouts splits by replicas (the chart always names two).
GOOD = SERVICES + ROLLOUT + POLICY


def _templates(text: str) -> dict[str, str]:
    """The templates as the chart would hold them: here, each template's rendered text stands for it."""
    found: dict[str, str] = {}
    for chunk in text.split("---\n"):
        if chunk.startswith("# Source: "):
            source, _, body = chunk.partition("\n")
            path = "charts/service-a/" + source.removeprefix("# Source: ").split("/", 1)[1]
            found[path] = found.get(path, "") + body
    return found


def check(repo: Path, text: str) -> list[Finding]:
    """The family's findings on the default platform (service-b requires service-a), with `text` as what helm
    rendered for service-a in dev."""
    loaded = load_repo(repo)
    release = helm.Release("service-a", "dev", helm.parse(text))
    loaded.rendered = helm.Rendered((release,), templates=_templates(text))
    return list(manifests.check(loaded))


def _line(text: str, file: str, needle: str) -> int:
    return next(number for number, line in enumerate(_templates(text)[file].splitlines(), 1) if needle in line)


def test_the_hand_built_release_has_no_finding(default_repo: Path) -> None:
    assert check(default_repo, GOOD) == []


def test_a_canary_that_sets_no_weight(default_repo: Path) -> None:
    text = GOOD.replace("        - setWeight: 25\n", "").replace("        - setWeight: 100\n", "")
    found = check(default_repo, text)
    assert [(f.rule, f.file, f.line) for f in found] == [
        ("manifests.canary-steps", ROLLOUT_TEMPLATE, _line(text, ROLLOUT_TEMPLATE, "steps:"))
    ]
    assert found[0].message == "Rollout service-a: the canary sets no traffic weight"


WIDER = {  # a policy the chart does not write, and what the finding says of it
    "an-address-block": (
        INGRESS_FROM_B + "    - from:\n        - ipBlock: {cidr: 10.0.0.0/8}\n",
        "ingress:",
        "allows ingress beyond named services",
    ),
    "every-pod": (
        INGRESS_FROM_B + "    - from:\n        - podSelector: {}\n",
        "ingress:",
        "allows ingress beyond named services",
    ),
    "from-anywhere": (INGRESS_FROM_B + "    - ports: [{port: http}]\n", "ingress:", "allows ingress from anywhere"),
    "another-namespace": (
        INGRESS_FROM_B
        + "    - from:\n        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}\n",
        "ingress:",
        "accepts traffic from namespace ops",
    ),
}


@pytest.mark.parametrize("name", WIDER)
def test_a_policy_wider_than_requires(name: str, default_repo: Path) -> None:
    rules, needle, said = WIDER[name]
    text = GOOD.replace(INGRESS_FROM_B, rules)
    found = check(default_repo, text)
    assert [(f.rule, f.file, f.line) for f in found] == [
        ("manifests.network-policy", POLICY_TEMPLATE, _line(text, POLICY_TEMPLATE, needle))
    ], found
    assert said in found[0].message


def test_a_policy_that_leaves_egress_open(default_repo: Path) -> None:
    text = GOOD.replace("policyTypes: [Ingress, Egress]", "policyTypes: [Ingress]")
    [finding] = check(default_repo, text)
    line = _line(text, POLICY_TEMPLATE, "policyTypes:")
    assert (finding.rule, finding.file, finding.line) == ("manifests.network-policy", POLICY_TEMPLATE, line)
    assert finding.message == "NetworkPolicy service-a does not restrict egress (wider than `requires`)"


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


HELPERS = """\
{{- define "app.labels" -}}
spec: not this one
{{- end -}}
{{- define "app.pod" -}}
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: a
      securityContext:
        runAsNonRoot: true
{{- end -}}
{{- define "app.after" -}}
      image: not this one
{{- end -}}
"""
DEPLOYMENT = 'kind: Deployment\nspec:\n  template:\n    {{- include "app.pod" . | nindent 4 }}\n  image: x\n'


def test_template_line_follows_the_path_down_the_file_and_into_an_include() -> None:
    templates = {"c/templates/deployment.yaml": DEPLOYMENT, "c/templates/_helpers.tpl": HELPERS}

    def at(*path: str | int) -> tuple[str, int]:
        return template_line(templates, "c/templates/deployment.yaml", path)

    helpers = "c/templates/_helpers.tpl"
    assert at("spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot") == (helpers, 11)
    assert at("spec", "template", "spec", "securityContext", "runAsNonRoot") == (helpers, 7)
    assert at("spec", "template", "spec", "containers", 0, "image") == (helpers, 8)  # not in the define: its parent
    assert at("spec", "template", "metadata") == ("c/templates/deployment.yaml", 3)  # not in the define either
    assert at("status") == ("c/templates/deployment.yaml", 1)


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
