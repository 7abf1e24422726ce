"""Rule family `delivery` (pull-request mode): a chart change reaches an environment only as a new version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit, edit, findings, run_lockstep, ungated, validate
from tests.operations.test_bump import built
from tests.validators.cases import Case, assert_fires

VALUES = "charts/service-a/values.yaml"
TEMPLATE = "charts/service-a/templates/deployment.yaml"


def _edit_chart(repo: Path) -> None:
    with (repo / VALUES).open("a") as values:
        values.write("# a chart change\n")


CASES = [Case("delivery.unversioned-change", VALUES, None, _edit_chart, base="HEAD")]


def delivery(repo: Path, *, base: str = "HEAD") -> list[tuple[str, int, str]]:
    return [(f.file, f.line, f.message) for f in findings(repo, base=base) if f.rule.startswith("delivery.")]


def says(env: str) -> str:
    return (
        f"{env} runs service-a 0.1.0, which is not built: helmfile deploys it with the working tree's "
        f"charts/service-a, so this change reaches {env} without a new version (Argo CD cannot deploy it until it "
        "is built); build and promote one instead"
    )


def ship_built(repo: Path, *services: str) -> None:
    """What the pipeline and the promote workflow do: build a version of each service, then release and promote it
    to stage and prod (each step merged)."""
    for service in services:
        assert run_lockstep("bump", service, *built(service, "0.2.0"), "--repo", repo).code == 0
    for args in (["release"], ["promote", "stage"], ["promote", "prod"]):
        result = run_lockstep(*args, "--repo", repo)
        assert result.code == 0, result.err
    commit(repo, "built versions everywhere")


def test_a_chart_change_reaches_every_environment_that_runs_an_unbuilt_version(default_repo: Path) -> None:
    _edit_chart(default_repo)
    (default_repo / TEMPLATE).write_text((default_repo / TEMPLATE).read_text() + "\n")
    # one finding per environment, at the first changed file of the chart
    assert delivery(default_repo) == [(TEMPLATE, 1, says(env)) for env in ("dev", "prod", "stage")]


def test_a_new_version_in_the_same_change_covers_its_environment_only(default_repo: Path) -> None:
    _edit_chart(default_repo)
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0  # dev: 0.2.0, deployed with the change
    assert delivery(default_repo) == [(VALUES, 1, says(env)) for env in ("prod", "stage")]


def test_a_chart_change_is_fine_where_every_version_is_built(default_repo: Path) -> None:
    ungated(default_repo)
    ship_built(default_repo, "service-a")
    _edit_chart(default_repo)  # what the registry holds for 0.2.0 does not change
    assert delivery(default_repo) == []
    result = validate(default_repo, "--base", "HEAD")
    assert (result.code, result.out) == (0, "no findings\n")
    # service-b still runs an unbuilt 0.1.0 everywhere: its chart is the working tree's
    edit(default_repo, "charts/service-b/values.yaml", "replicaCount:", "# a chart change\nreplicaCount:")
    assert [(file, env.split()[0]) for file, _, env in delivery(default_repo)] == [
        ("charts/service-b/values.yaml", env) for env in ("dev", "prod", "stage")
    ]


def test_a_service_change_needs_no_version_to_be_safe(default_repo: Path) -> None:
    (default_repo / "services/service-a/main.go").write_text(
        (default_repo / "services/service-a/main.go").read_text() + "\n// a code change\n"
    )
    assert delivery(default_repo) == []  # the lock pins the image: the change reaches nobody without a new one


def test_only_pull_request_mode_compares(default_repo: Path) -> None:
    _edit_chart(default_repo)
    assert [f for f in findings(default_repo) if f.rule.startswith("delivery.")] == []


def test_the_pre_commit_hook_and_a_committed_change_report_it_too(default_repo: Path) -> None:
    _edit_chart(default_repo)
    hook = validate(default_repo, "--base", "HEAD", str(default_repo / VALUES))  # the staged files, as pre-commit
    assert hook.code == 1 and hook.out.count("delivery.unversioned-change") == 3, hook.out
    commit(default_repo, "chart change")
    merged = validate(default_repo, "--base", "HEAD~1", "--head", "HEAD")
    assert merged.code == 1 and merged.out.count("delivery.unversioned-change") == 3, merged.out


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fires(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)
