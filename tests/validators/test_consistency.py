from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import edit
from tests.validators.cases import DEV_LOCK, PLATFORM, STAGE_LOCK, Case, assert_fires


def _delete(relative: str):
    def tamper(repo: Path) -> None:
        (repo / relative).unlink()

    return tamper


def _copy(source: str, target: str):
    def tamper(repo: Path) -> None:
        (repo / target).parent.mkdir(parents=True)
        shutil.copy(repo / source, repo / target)

    return tamper


CASES = [
    Case(
        "consistency.duplicate-environment",
        PLATFORM,
        "name: stage",
        lambda r: edit(r, PLATFORM, "name: dev", "name: stage"),
        occurrence=2,
    ),
    Case(
        "consistency.strategy-modes",
        PLATFORM,
        "strategy: monolith",
        lambda r: edit(r, PLATFORM, "strategy: combined", "strategy: monolith"),
    ),
    Case("consistency.missing-lock", PLATFORM, "- name: prod", _delete("environments/prod/platform.lock.yaml")),
    Case(
        "consistency.unknown-environment",
        "environments/qa/platform.lock.yaml",
        None,
        _copy(DEV_LOCK, "environments/qa/platform.lock.yaml"),
    ),
    Case(
        "consistency.lock-environment",
        STAGE_LOCK,
        "environment: prod",
        lambda r: edit(r, STAGE_LOCK, "environment: stage", "environment: prod"),
    ),
    Case(
        "consistency.lock-missing-service",
        DEV_LOCK,
        "services:",
        lambda r: edit(
            r,
            DEV_LOCK,
            "  service-c:\n    version: 0.1.0\n    image: registry.example.com/logistics/service-c:0.1.0\n",
            "",
        ),
    ),
    Case(
        "consistency.lock-unknown-service",
        STAGE_LOCK,
        "service-z:",
        lambda r: edit(r, STAGE_LOCK, "  service-c:", "  service-z:"),
    ),
    Case(
        "consistency.image",
        DEV_LOCK,
        "service-a:9.9.9",
        lambda r: edit(r, DEV_LOCK, "service-a:0.1.0", "service-a:9.9.9"),
    ),
    Case(
        "consistency.platform-version", STAGE_LOCK, "services:", lambda r: edit(r, STAGE_LOCK, "platform: 0.1.0\n", "")
    ),
    Case(
        "consistency.release-file",
        "releases/0.2.0.yaml",
        "version: 0.1.0",
        lambda r: (r / "releases/0.1.0.yaml").rename(r / "releases/0.2.0.yaml"),
    ),
    Case(
        "consistency.unknown-requirement",
        PLATFORM,
        "requires:",
        lambda r: edit(r, PLATFORM, "    language: go\n", "    language: go\n    requires: {service-z: '>=1.0.0'}\n"),
    ),
    Case(
        "consistency.override-environment",
        PLATFORM,
        "qa: {replicas: 1}",
        lambda r: edit(r, PLATFORM, "dev: {replicas: 1}", "qa: {replicas: 1}"),
    ),
    Case(  # caught by the pre-commit hook already, without --render
        "consistency.canary-steps",
        PLATFORM,
        "steps: [{weight: 50}, {weight: 10}]",
        lambda r: edit(
            r,
            PLATFORM,
            "    rollout: rolling\n",
            "    rollout: {strategy: canary, steps: [{weight: 50}, {weight: 10}]}\n",
            1,
        ),
    ),
    Case("consistency.missing-file", PLATFORM, "service-b:", _delete("charts/service-b/Chart.yaml")),
    Case(
        "consistency.contract-probes",
        "services/service-b/openapi.yaml",
        "paths:",
        lambda r: edit(r, "services/service-b/openapi.yaml", "  /readyz:", "  /ready:"),
    ),
    Case(
        "consistency.default-port",
        "services/service-c/Makefile",
        "PORT ?= 9999",
        lambda r: edit(r, "services/service-c/Makefile", "PORT ?= 8080", "PORT ?= 9999"),
    ),
    Case(
        "consistency.helmfile-environments",
        "helmfile.yaml.gotmpl",
        "environments:",
        lambda r: edit(r, "helmfile.yaml.gotmpl", "  prod: {}\n", ""),
    ),
    Case(
        "consistency.environment-namespace",
        PLATFORM,
        "- name: prod",
        lambda r: edit(r, PLATFORM, "namespace: logistics-prod", "namespace: logistics-dev"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def test_missing_helmfile_is_reported(default_repo: Path) -> None:
    from tests.conftest import findings

    (default_repo / "helmfile.yaml.gotmpl").unlink()
    assert any(f.rule == "consistency.missing-file" and "helmfile" in f.message for f in findings(default_repo))


def test_a_new_service_may_be_missing_downstream(default_repo: Path) -> None:
    """Only the first environment must pin every service: later ones get it by promotion."""
    from tests.conftest import findings

    edit(
        default_repo,
        "environments/prod/platform.lock.yaml",
        "  service-c:\n    version: 0.1.0\n    image: registry.example.com/logistics/service-c:0.1.0\n",
        "",
    )
    assert not [f for f in findings(default_repo) if f.rule.startswith("consistency.")]


def test_a_second_file_for_the_same_release_is_reported(default_repo: Path) -> None:
    from tests.conftest import findings

    shutil.copy(default_repo / "releases/0.1.0.yaml", default_repo / "releases/copy.yaml")
    hits = [f for f in findings(default_repo) if f.rule == "consistency.release-file"]
    assert [(f.file, f.line) for f in hits] == [("releases/copy.yaml", 3)]


def test_an_image_digest_is_sha256_of_64_hex_digits(default_repo: Path) -> None:
    from tests.conftest import findings

    image = "registry.example.com/logistics/service-a:0.1.0"
    edit(default_repo, DEV_LOCK, f"image: {image}\n", f"image: {image}@sha256:{'ab' * 32}\n")
    assert [f for f in findings(default_repo) if f.rule == "consistency.image"] == []
    edit(default_repo, DEV_LOCK, f"@sha256:{'ab' * 32}", "@sha256:abc")
    [finding] = [f for f in findings(default_repo) if f.rule == "consistency.image"]
    assert finding.message == (
        f"image of `service-a` is `{image}@sha256:abc`, expected `{image}` or `{image}@sha256:<64 hex>`"
    )


def test_environments_sharing_a_namespace_on_different_clusters_are_fine(default_repo: Path) -> None:
    from tests.conftest import findings

    edit(
        default_repo,
        PLATFORM,
        "namespace: logistics-stage\n    # cluster: stage-cluster",
        "namespace: shop\n    cluster: a",
    )
    edit(
        default_repo,
        PLATFORM,
        "namespace: logistics-prod\n    # cluster: prod-cluster",
        "namespace: shop\n    cluster: b",
    )
    assert [f for f in findings(default_repo) if f.rule == "consistency.environment-namespace"] == []
    edit(default_repo, PLATFORM, "cluster: b", "cluster: a")
    [finding] = [f for f in findings(default_repo) if f.rule == "consistency.environment-namespace"]
    assert finding.message == "environments `stage` and `prod` both deploy to namespace `shop` on cluster `a`"


def test_a_default_namespace_longer_than_a_label_is_reported(default_repo: Path) -> None:
    from tests.conftest import findings

    edit(default_repo, PLATFORM, "name: logistics\n", f"name: {'p' * 60}\n")
    edit(default_repo, PLATFORM, "    namespace: logistics-stage\n", "")
    [finding] = [f for f in findings(default_repo) if f.rule == "consistency.environment-namespace"]
    assert finding.message == (
        f"environment `stage` deploys to namespace `{'p' * 60}-stage`, longer than 63 characters: set a shorter "
        "`namespace`"
    )
