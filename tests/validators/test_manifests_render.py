"""`validate --render` with the real helm (v4, from tools/k8s_tools.py) on the charts `lockstep new` makes: a
fresh platform passes with every rollout and language, and each tampered repository gives one finding where the
user fixes it (platform.yaml, the environment's values file, or the template line, in _helpers.tpl for the pod)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import kubeschema, validation
from generator.findings import Finding
from tests.conftest import K8sTools, commit, edit, line_of, run_lockstep

CHART = "charts/service-a/templates"
DEPLOYMENT = f"{CHART}/deployment.yaml"
ROLLOUT = f"{CHART}/rollout.yaml"
HELPERS = f"{CHART}/_helpers.tpl"  # the pod template (`app.podTemplate`) the Deployment and the Rollout include
POLICY = f"{CHART}/networkpolicy.yaml"
DEV_VALUES = "environments/dev/values/service-a.yaml"
ROLLING = "    api: services/service-a/openapi.yaml\n    rollout: rolling\n"


def rendered(repo: Path, base: str | None = None) -> list[Finding]:
    return validation.checked(repo, base=base, render=True)[1]


def rollout(repo: Path, value: str) -> None:
    """service-a's `rollout:` in platform.yaml."""
    edit(repo, "platform.yaml", ROLLING, ROLLING.replace("rolling", value))


def append(repo: Path, relative: str, text: str) -> None:
    (repo / relative).write_text((repo / relative).read_text() + text)


def without(repo: Path, relative: str, block: str) -> None:
    edit(repo, relative, block, "")


@dataclass(frozen=True)
class Case:
    name: str
    rule: str
    file: str
    needle: str  # the text of the line the finding points at
    tamper: Callable[[Path], None]

    def __str__(self) -> str:
        return self.name


def _probe(name: str, path: str, failures: int) -> str:
    """The probe as _helpers.tpl writes it."""
    return (
        f"      {name}:\n        httpGet:\n          path: {path}\n          port: http\n        periodSeconds: 2\n"
        f"        failureThreshold: {failures}\n"
    )


READINESS, STARTUP = _probe("readinessProbe", "/readyz", 1), _probe("startupProbe", "/healthz", 30)

CASES = [
    Case(  # platform.yaml's steps are judged as written (also without --render); the render adds nothing
        "canary-steps-50-10",
        "consistency.canary-steps",
        "platform.yaml",
        "steps: [{weight: 50}, {weight: 10}]",
        lambda r: rollout(r, "{strategy: canary, steps: [{weight: 50}, {weight: 10}]}"),
    ),
    Case(
        "canary-steps-short-of-100",
        "consistency.canary-steps",
        "platform.yaml",
        "steps: [{weight: 20}, {weight: 50}]",
        lambda r: rollout(r, "{strategy: canary, steps: [{weight: 20}, {weight: 50}]}"),
    ),
    Case(  # a chart that changes the weights platform.yaml asks for is at fault
        "canary-template-reverses-weights",
        "manifests.canary-steps",
        ROLLOUT,
        "steps:",
        lambda r: (
            rollout(r, "canary"),
            edit(r, ROLLOUT, "setWeight: {{ .weight }}", "setWeight: {{ sub 100 .weight }}"),
        ),
    ),
    Case(
        "blue-green-without-preview-service",
        "manifests.rollout-services",
        ROLLOUT,
        "previewService:",
        lambda r: (
            rollout(r, "blue-green"),
            without(r, f"{CHART}/service.yaml", '{{- $names = append $names (printf "%s-preview" $fullname) }}'),
        ),
    ),
    Case(  # the chart's strict values.schema.json makes helm refuse the key: one finding at it
        "values-remove-readiness-probe",
        "manifests.helm-template",
        DEV_VALUES,
        "readinessProbe: null",
        lambda r: append(r, DEV_VALUES, "readinessProbe: null\n"),
    ),
    Case(
        "values-run-as-root",
        "manifests.helm-template",
        DEV_VALUES,
        "securityContext:",
        lambda r: append(r, DEV_VALUES, "securityContext:\n  runAsUser: 0\n"),
    ),
    Case(
        "template-remove-readiness-probe",
        "manifests.probes",
        HELPERS,
        "containers:",
        lambda r: without(r, HELPERS, READINESS),
    ),
    Case(
        "template-run-as-root",  # the container's own setting (after the pod's, in the template) is the one in force
        "manifests.security-context",
        HELPERS,
        "runAsNonRoot: false",
        lambda r: edit(
            r,
            HELPERS,
            "      securityContext:\n        runAsNonRoot: true",
            "      securityContext:\n        runAsNonRoot: false",
        ),
    ),
    Case(
        "canary-template-run-as-root",
        "manifests.security-context",
        HELPERS,
        "runAsNonRoot: false",
        lambda r: (
            rollout(r, "canary"),
            edit(
                r,
                HELPERS,
                "    runAsNonRoot: true\n    runAsUser: 10001",
                "    runAsNonRoot: false\n    runAsUser: 10001",
            ),
            without(r, HELPERS, "        runAsNonRoot: true\n"),  # the container no longer says otherwise
        ),
    ),
    Case(
        "template-no-startup-probe",
        "manifests.startup-probe",
        HELPERS,
        "containers:",
        lambda r: without(r, HELPERS, STARTUP),
    ),
    Case(
        "template-no-limits",
        "manifests.resources",
        HELPERS,
        "resources:",
        lambda r: edit(r, HELPERS, "toYaml .Values.resources", 'toYaml (omit .Values.resources "limits")'),
    ),
    Case(  # service-b requires service-a: service-a's policy no longer lets service-b in
        "requires-edge-without-ingress",
        "manifests.network-policy",
        "platform.yaml",
        "service-a: {range:",
        lambda r: edit(
            r, POLICY, "if or $policy.ingressFrom $policy.ingressNamespaces", "if $policy.ingressNamespaces"
        ),
    ),
    Case(  # ... and service-b's own policy no longer lets it reach service-a
        "requires-edge-without-egress",
        "manifests.network-policy",
        "platform.yaml",
        "service-a: {range:",
        lambda r: edit(r, POLICY.replace("service-a", "service-b"), "range $policy.egressTo", "range list"),
    ),
    Case(
        "policy-wider-than-requires",
        "manifests.network-policy",
        POLICY,
        "ingress:",
        lambda r: edit(
            r,
            POLICY,
            "{{- toYaml . | nindent 18 }}\n        {{- end }}\n        {{- with $policy.ingressNamespaces }}",
            "{{- toYaml . | nindent 18 }}\n                  - service-c\n        {{- end }}\n"
            "        {{- with $policy.ingressNamespaces }}",
        ),
    ),
    Case(
        "no-network-policy",
        "manifests.network-policy-missing",
        DEPLOYMENT,
        "kind: Deployment",
        lambda r: (r / POLICY).unlink(),
    ),
    Case(  # helm's schema error names /service/port: the finding is at that key of the values file
        "values-helm-template-fails",
        "manifests.helm-template",
        DEV_VALUES,
        "port: eighty",
        lambda r: append(r, DEV_VALUES, "service:\n  port: eighty\n"),
    ),
    Case(
        "unknown-field-in-deployment",
        "manifests.kubernetes-schema",
        DEPLOYMENT,
        "progressDeadlineSecondz:",
        lambda r: edit(
            r, DEPLOYMENT, "  revisionHistoryLimit: 5\n", "  revisionHistoryLimit: 5\n  progressDeadlineSecondz: 600\n"
        ),
    ),
    Case(
        "unknown-field-in-pod",
        "manifests.kubernetes-schema",
        HELPERS,
        "restartPolicyy:",
        lambda r: edit(r, HELPERS, "      imagePullPolicy:", "      restartPolicyy: Always\n      imagePullPolicy:"),
    ),
    Case(
        "unknown-field-in-rollout",
        "manifests.rollout-schema",
        ROLLOUT,
        "canaryTraffic:",
        lambda r: (
            rollout(r, "canary"),
            edit(r, ROLLOUT, "      stableService:", "      canaryTraffic: 5\n      stableService:"),
        ),
    ),
    Case(
        "ingress-of-a-service-not-public",
        "manifests.not-public",
        DEV_VALUES,
        "ingress:",
        lambda r: append(r, DEV_VALUES, "ingress: {enabled: true, host: a.example.com}\n"),
    ),
    Case(
        "custom-resource",
        "manifests.unchecked-kind",
        f"{CHART}/monitor.yaml",
        "kind: ServiceMonitor",
        lambda r: (r / CHART / "monitor.yaml").write_text(
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: service-a\n"
        ),
    ),
]

FIRING = (  # the rules the tests below CASES make fire
    "manifests.image",
    "manifests.rollout-schema-missing",
    "manifests.kubernetes-validate-missing",
    "manifests.helm-lint",
    "manifests.helm-unavailable",
)


@pytest.mark.slow
def test_a_fresh_platform_renders_and_passes(default_repo: Path, k8s_tools: K8sTools) -> None:
    result = run_lockstep("validate", "--render", "--repo", default_repo)
    assert (result.code, result.out.strip()) == (0, "no findings"), result.out


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["rolling", "blue-green", "canary"])
def test_each_rollout_in_each_language_passes(
    strategy: str, new_repo: Callable[..., Path], k8s_tools: K8sTools
) -> None:
    """`new --rollout R` with a service in each of the four languages: every environment renders R's objects, and
    `validate --render` finds nothing."""
    repo = new_repo("--rollout", strategy, "--services", "a:go,b:python,c:node,d:java")
    result = run_lockstep("validate", "--render", "--repo", repo)
    assert (result.code, result.out.strip()) == (0, "no findings"), result.out
    loaded, _ = validation.checked(repo, render=True)
    assert loaded.rendered is not None
    workload = "Deployment" if strategy == "rolling" else "Rollout"
    extra = {"rolling": [], "blue-green": ["-preview"], "canary": ["-canary"]}[strategy]
    assert len(loaded.rendered.releases) == 12
    for release in loaded.rendered.releases:
        kinds = sorted((m.kind, m.name) for m in release.manifests)
        service = release.service
        replicated = [] if release.environment == "dev" else [("PodDisruptionBudget", service)]
        assert kinds == sorted(
            [
                (workload, service),
                ("NetworkPolicy", service),
                ("ServiceAccount", service),
                *replicated,
                *(("Service", service + suffix) for suffix in ["", *extra]),
            ]
        ), (release.environment, service)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_tampered_repository_gives_one_finding(case: Case, default_repo: Path, k8s_tools: K8sTools) -> None:
    case.tamper(default_repo)
    found = rendered(default_repo)
    line = line_of(default_repo, case.file, case.needle)
    assert [(f.rule, f.file, f.line) for f in found] == [(case.rule, case.file, line)], found


@pytest.mark.slow
def test_an_image_other_than_the_locks_in_each_environment(default_repo: Path, k8s_tools: K8sTools) -> None:
    edit(default_repo, HELPERS, '{{ include "app.version" . }}{{ with', '{{ include "app.version" . }}-dirty{{ with')
    found = rendered(default_repo)
    line = line_of(default_repo, HELPERS, "image:")
    assert [(f.rule, f.file, f.line) for f in found] == [("manifests.image", HELPERS, line)] * 3
    assert [f.message.split(" pins ")[0] for f in found] == [
        "Deployment service-a runs registry.example.com/logistics/service-a:0.1.0-dirty, but "
        f"environments/{environment}/platform.lock.yaml"
        for environment in ("dev", "prod", "stage")
    ]


@pytest.mark.slow
def test_canary_without_the_rollouts_schema_is_an_error(
    default_repo: Path, k8s_tools: K8sTools, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Rollout is not left unchecked when the CRD schema file is absent: one error at its template."""
    rollout(default_repo, "canary")
    monkeypatch.setattr(kubeschema, "ROLLOUT", "argo-rollouts/absent.schema.json")
    found = rendered(default_repo)
    assert [(f.rule, f.level, f.file, f.line) for f in found] == [
        ("manifests.rollout-schema-missing", "error", ROLLOUT, 1)
    ]
    assert "schemas/argo-rollouts/absent.schema.json is not installed" in found[0].message


@pytest.mark.slow
def test_without_kubernetes_validate(default_repo: Path, k8s_tools: K8sTools, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built-in objects are not left unchecked when kubernetes-validate is not installed: one error says so."""
    monkeypatch.setattr(kubeschema, "_kubernetes", _not_installed)
    found = rendered(default_repo)
    assert [(f.rule, f.file, f.line) for f in found] == [("manifests.kubernetes-validate-missing", "platform.yaml", 1)]


def _not_installed(*_: str) -> None:
    import kubernetes_validate_is_not_here  # type: ignore[import-not-found]  # noqa: F401


@pytest.mark.slow
def test_helm_lint_fails_on_a_broken_template_and_only_there(default_repo: Path, k8s_tools: K8sTools) -> None:
    edit(default_repo, DEPLOYMENT, "kind: Deployment\n", "kind: Deployment\nbroken: {{ .Values.nothing.here }}\n")
    found = {(f.rule, f.file, f.line) for f in rendered(default_repo)}
    line = line_of(default_repo, DEPLOYMENT, "broken:")
    assert found == {("manifests.helm-lint", DEPLOYMENT, line), ("manifests.helm-template", DEPLOYMENT, line)}


@pytest.mark.slow
def test_pull_request_mode_renders_only_what_changed(default_repo: Path, k8s_tools: K8sTools) -> None:
    edit(default_repo, DEV_VALUES, "env: {}", "env: {LOG_LEVEL: debug}")
    repo, found = validation.checked(default_repo, base="HEAD", render=True)
    assert repo.rendered is not None
    assert [(r.environment, r.service) for r in repo.rendered.releases] == [("dev", "service-a")]
    assert repo.rendered.lints == ()
    assert found == []
    edit(default_repo, "charts/service-b/values.yaml", "replicaCount: 1", "replicaCount: 1\n")
    repo, _ = validation.checked(default_repo, base="HEAD", render=True)
    assert repo.rendered is not None
    assert sorted((r.environment, r.service) for r in repo.rendered.releases) == [
        ("dev", "service-a"),
        *((environment, "service-b") for environment in ("dev", "prod", "stage")),
    ]
    assert [lint.service for lint in repo.rendered.lints] == ["service-b"]
    commit(default_repo)  # the same change as a commit: read from git (`--base REF --head REF`), not from disk
    edit(default_repo, DEV_VALUES, "env: {LOG_LEVEL: debug}", "service: 5")  # the working tree is not what is checked
    repo, found = validation.checked(default_repo, base="HEAD~1", head="HEAD", render=True)
    assert repo.rendered is not None
    assert len(repo.rendered.releases) == 4
    assert all(release.error is None for release in repo.rendered.releases)
    assert {f.rule for f in found} == {"delivery.unversioned-change"}  # service-b 0.1.0 is not built: see test_delivery


@pytest.mark.slow
def test_without_helm_one_info_finding(default_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git") or "git")  # git, and no helm
    monkeypatch.setenv("PATH", str(bare))
    result = run_lockstep("validate", "--render", "--repo", default_repo)
    assert result.code == 0
    [finding] = rendered(default_repo)
    assert (finding.rule, finding.level, finding.file) == ("manifests.helm-unavailable", "info", "platform.yaml")
    assert "helm is not on PATH" in finding.message
    assert os.environ["PATH"] == str(bare)


def test_without_render_nothing_is_rendered(default_repo: Path) -> None:
    repo, found = validation.checked(default_repo)
    assert repo.rendered is None
    assert not [f for f in found if f.rule.startswith("manifests.")]
