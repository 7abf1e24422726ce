from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, line_of
from tests.validators.cases import DEV_LOCK, PLATFORM, STAGE_LOCK, Case, assert_fires

CONTRACT_C = "services/service-c/openapi.yaml"
CONFIG = ".lockstep/config.yaml"


def _write(relative: str, data: bytes):
    def tamper(repo: Path) -> None:
        (repo / relative).write_bytes(data)

    return tamper


def _link_outside(relative: str):
    def tamper(repo: Path) -> None:
        secret = repo.parent / "secret.yaml"
        secret.write_text("apiVersion: SECRET\n")
        (repo / relative).unlink()
        (repo / relative).symlink_to(secret)

    return tamper


def _alias(repo: Path) -> None:
    edit(repo, DEV_LOCK, "  service-a:\n", "  service-a: &pin\n")
    edit(
        repo,
        DEV_LOCK,
        "  service-b:\n    version: 0.1.0\n    image: registry.example.com/logistics/service-b:0.1.0",
        "  service-b: *pin",
    )


CASES = [
    Case("yaml.syntax", DEV_LOCK, "service-a:", lambda r: edit(r, DEV_LOCK, "  service-a:", "\tservice-a:")),
    Case(
        "yaml.duplicate-key",
        PLATFORM,
        "registry: again",
        lambda r: edit(r, PLATFORM, "services:\n", "registry: again\nservices:\n"),
    ),
    Case(
        "yaml.ambiguous-boolean",
        PLATFORM,
        "description: no",
        lambda r: edit(r, PLATFORM, "services:\n", "description: no\nservices:\n"),
    ),
    Case(
        "yaml.ambiguous-number",
        PLATFORM,
        "description: 0755",
        lambda r: edit(r, PLATFORM, "services:\n", "description: 0755\nservices:\n"),
    ),
    Case("yaml.alias", DEV_LOCK, "*pin", _alias),
    Case("yaml.key", PLATFORM, "? [a, b]", lambda r: edit(r, PLATFORM, "services:\n", "? [a, b]\n: c\nservices:\n")),
    Case(
        "yaml.multiple-documents",
        STAGE_LOCK,
        "other: 1",
        lambda r: edit(r, STAGE_LOCK, "kind: Lock\n", "kind: Lock\n---\nother: 1\n"),
    ),
    Case("yaml.empty", "releases/0.1.0.yaml", None, _write("releases/0.1.0.yaml", b"")),
    Case("file.unreadable", DEV_LOCK, None, _write(DEV_LOCK, b"apiVersion: \xff\xfe\n")),
    Case("file.too-large", STAGE_LOCK, None, _write(STAGE_LOCK, b"# padding\n" * 500_000)),
    Case("file.symlink", STAGE_LOCK, None, _link_outside(STAGE_LOCK)),
    Case(
        "schema.many-problems",
        STAGE_LOCK,
        None,
        lambda r: edit(r, STAGE_LOCK, "kind: Lock\n", "kind: Lock\n" + "".join(f"k{i}: 1\n" for i in range(150))),
    ),
    Case("api.syntax", CONTRACT_C, "info: x: y", _write(CONTRACT_C, b"openapi: 3.1.0\ninfo: x: y\n")),
    Case("api.not-openapi", CONTRACT_C, None, _write(CONTRACT_C, b"swagger: '2.0'\n")),
    Case("api.shape", CONTRACT_C, "paths:", _write(CONTRACT_C, b"openapi: 3.1.0\npaths:\n  - /items\n")),
    Case(
        "schema.unknown-key",
        PLATFORM,
        "colour: blue",
        lambda r: edit(r, PLATFORM, "    language: go\n", "    language: go\n    colour: blue\n"),
    ),
    Case(
        "schema.missing-key",
        DEV_LOCK,
        "service-a:",
        lambda r: edit(r, DEV_LOCK, "    image: registry.example.com/logistics/service-a:0.1.0\n", ""),
    ),
    Case("schema.invalid-name", DEV_LOCK, "Service_A:", lambda r: edit(r, DEV_LOCK, "service-a:", "Service_A:")),
    Case(
        "schema.invalid-value",
        PLATFORM,
        "mode: sometimes",
        lambda r: edit(r, PLATFORM, "mode: independent", "mode: sometimes"),
    ),
    Case(
        "schema.unquoted-number",
        STAGE_LOCK,
        "platform: 1.10",
        lambda r: edit(r, STAGE_LOCK, "platform: 0.1.0", "platform: 1.10"),
    ),
    Case(
        "config.unknown-rule",
        CONFIG,
        "consistency.default-prot",
        _write(CONFIG, b"apiVersion: lockstep/v1\nkind: Config\nrules:\n  consistency.default-prot: warning\n"),
    ),
    Case(
        "config.pending",  # the base (HEAD) has no config: the pull request's takes effect once merged
        CONFIG,
        "consistency.default-port",
        _write(CONFIG, b"apiVersion: lockstep/v1\nkind: Config\nrules:\n  consistency.default-port: warning\n"),
        base="HEAD",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def test_unquoted_version_names_the_number_and_the_fix(default_repo: Path) -> None:
    from tests.conftest import findings

    edit(default_repo, STAGE_LOCK, "platform: 0.1.0", "platform: 1.10")
    [finding] = [f for f in findings(default_repo) if f.rule == "schema.unquoted-number"]
    assert finding.message == '`1.10` is read as the number 1.1; quote it: "1.10"'
    assert finding.column == len("platform: ") + 1


def test_unknown_key_lists_the_allowed_keys(default_repo: Path) -> None:
    from tests.conftest import findings

    edit(default_repo, PLATFORM, "    language: go\n", "    language: go\n    colour: blue\n")
    [finding] = [f for f in findings(default_repo) if f.rule == "schema.unknown-key"]
    assert "`colour`" in finding.message and "language" in finding.message and "requires" in finding.message


def test_contract_path_must_stay_inside_the_repository(default_repo: Path) -> None:
    from tests.conftest import findings

    edit(default_repo, PLATFORM, "api: services/service-a/openapi.yaml", "api: ../../etc/passwd")
    [finding] = [f for f in findings(default_repo) if f.rule == "schema.invalid-value"]
    assert finding.message == "`api` `../../etc/passwd` is not a relative path inside the repository"
    assert finding.line == line_of(default_repo, PLATFORM, "api: ../../etc/passwd")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "rollout: rolling",
            "rollout: blue",
            "`rollout` `blue` is not a rollout strategy: rolling, blue-green or canary",
        ),
        (
            "rollout: rolling",
            "rollout: [canary]",
            "`rollout` list is not a rollout: `rolling`, `blue-green`, `canary`, or a mapping such as "
            "{strategy: canary, steps: [...]}",
        ),
        (
            "rollout: rolling",
            "rollout: {strategy: rolling, steps: [{weight: 100}]}",
            "`steps` is only for `strategy: canary`",
        ),
        (
            "rollout: rolling",
            "rollout: {strategy: canary, autoPromotion: false}",
            "`autoPromotion` is only for `strategy: blue-green`",
        ),
        (
            "rollout: rolling",
            "rollout: {strategy: canary, steps: [{weight: 0}, {weight: 100}]}",
            "`weight` `0` is not a traffic percentage (an integer from 1 to 100)",
        ),
        (
            "rollout: rolling",
            "rollout: {strategy: canary, steps: [{weight: 50, pause: 30x}, {weight: 100}]}",
            "`pause` `30x` is not a duration such as 30s, 5m or 1h",
        ),
        ("replicas: 2", "replicas: -1", "`replicas` `-1` is not a number of replicas (an integer, 0 or more)"),
        (
            "dev: {replicas: 1}",
            "dev: {resources: {limits: {cpu: lots}}}",
            "`cpu` `lots` is not a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi",
        ),
        (
            "ingressNamespace: ingress-nginx",
            "ingressNamespace: Ingress",
            "`ingressNamespace` `Ingress` is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 "
            "characters, starting and ending with a letter or digit)",
        ),
        (
            "engine: argocd\n",
            "engine: kubectl\n",
            "`engine` `kubectl` is not an engine lockstep generates: argocd, flux or none",
        ),
        (
            'kubernetesVersion: "1.34"',
            "kubernetesVersion: 1.34.2",
            '`kubernetesVersion` `1.34.2` is not a Kubernetes minor version such as "1.34" (quote it)',
        ),
        (
            "namespace: logistics-prod",
            "namespace: Logistics_Prod",
            "`namespace` `Logistics_Prod` is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 "
            "characters, starting and ending with a letter or digit)",
        ),
        (
            "# cluster: prod-cluster",
            "cluster: 'prod {{ x }}'",
            "`cluster` `prod {{ x }}` is not a kube context name (no spaces, quotes or braces)",
        ),
    ],
)
def test_what_does_not_work_is_refused_not_ignored(default_repo: Path, old: str, new: str, message: str) -> None:
    """A field platform.yaml accepts either works or is refused: a rollout option of another strategy, a GitOps
    engine (none yet), and values helm and helmfile cannot use. One clear line each, at the line to fix."""
    from tests.conftest import findings

    edit(default_repo, PLATFORM, old, new)
    found = [f for f in findings(default_repo) if f.file == PLATFORM]
    assert [(f.rule, f.message) for f in found] in (
        [("schema.invalid-value", message)],
        [("schema.invalid-name", message)],
    )
    assert found[0].line == line_of(default_repo, PLATFORM, new.splitlines()[-1])


def test_a_repository_without_an_engine_to_read_it_is_refused(default_repo: Path) -> None:
    """`repository` is read by Argo CD and Flux only: with `engine: none` it would be accepted and ignored."""
    from tests.conftest import findings

    edit(default_repo, PLATFORM, "engine: argocd\n", "engine: none\n")
    found = [(f.rule, f.line, f.message) for f in findings(default_repo) if f.file == PLATFORM]
    assert found == [
        (
            "schema.invalid-value",
            line_of(default_repo, PLATFORM, "repository:"),
            "`repository` is read by the engines only: set `engine: argocd` or `engine: flux`, or remove `repository`",
        )
    ]
