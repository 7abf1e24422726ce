"""Rule family `pipeline`: each rule fires at its line on a tampered workflow, and stays quiet where the workflow
is right in another way than lockstep writes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import layout, validation
from generator.findings import Finding
from tests.conftest import edit, findings, line_of, run_lockstep
from tests.validators.cases import PLATFORM, Case, assert_fires

BUILD_A = layout.build_workflow("service-a")
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1"
REVIEW = f"{layout.WORKFLOWS_DIR}/review.yaml"


def _workflow(repo: Path, relative: str, text: str) -> None:
    (repo / relative).write_text(text)


def _target_checks_out_head(repo: Path) -> None:
    _workflow(
        repo,
        REVIEW,
        'name: review\n"on": pull_request_target\npermissions: {}\njobs:\n  look:\n    runs-on: ubuntu-24.04\n'
        "    permissions:\n      contents: read\n    steps:\n"
        f"      - uses: {CHECKOUT}\n        with:\n          ref: ${{{{ github.event.pull_request.head.sha }}}}\n"
        "          persist-credentials: false\n",
    )


def _no_permissions(repo: Path) -> None:
    _workflow(
        repo,
        REVIEW,
        'name: review\n"on": pull_request\njobs:\n  look:\n    runs-on: ubuntu-24.04\n    steps:\n'
        "      - run: echo hello\n",
    )


CASES = [
    Case(
        "pipeline.unpinned-action",
        BUILD_A,
        "actions/checkout@v7",
        lambda r: edit(r, BUILD_A, CHECKOUT, "actions/checkout@v7"),
    ),
    Case(
        "pipeline.missing-build", PLATFORM, "  service-b:", lambda r: (r / layout.build_workflow("service-b")).unlink()
    ),
    Case(
        "pipeline.dangerous-trigger", REVIEW, "ref: ${{ github.event.pull_request.head.sha }}", _target_checks_out_head
    ),
    Case("pipeline.no-permissions", REVIEW, "  look:", _no_permissions),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def _pipeline(repo: Path) -> list[Finding]:
    return [f for f in findings(repo) if f.rule.startswith("pipeline.")]


def test_a_generated_platform_has_no_finding(default_repo: Path) -> None:
    assert _pipeline(default_repo) == []


@pytest.mark.parametrize(
    ("old", "new", "needle", "says"),
    [
        ('      - "charts/service-a/**"\n', "", '      - "services/service-a/**"', "charts/service-a/"),
        ('"charts/service-a/**"', '"charts/service-a/*"', '      - "services/service-a/**"', "charts/service-a/"),
        ("  cancel-in-progress: false", "  cancel-in-progress: true", "cancel-in-progress: true", "cancelled"),
        ("  group: build-service-a", "  group: build-${{ github.run_id }}", "  group: build-", "at once"),
        ('"on":\n  push:\n', '"on":\n  pull_request:\n', "name: build service-a", "does not run on a push"),
    ],
    ids=["no-chart-path", "shallow-glob", "cancelled", "per-run-group", "no-push"],
)
def test_a_build_workflow_that_misses_changes_or_runs_twice(
    default_repo: Path, old: str, new: str, needle: str, says: str
) -> None:
    edit(default_repo, BUILD_A, old, new)
    [finding] = _pipeline(default_repo)
    assert finding.rule == "pipeline.missing-build" and finding.file == BUILD_A and says in finding.message
    assert finding.line == line_of(default_repo, BUILD_A, needle)


def test_other_right_ways_are_accepted(default_repo: Path) -> None:
    """Broader paths with an exclusion that spares the service, `on:` unquoted, a workflow-level `permissions`,
    local and digest-pinned container actions, and a pull_request_target workflow that runs only the base's code."""
    edit(default_repo, BUILD_A, '"on":', "on:")
    edit(
        default_repo, BUILD_A, '      - "services/service-a/**"\n', '      - "services/**"\n      - "!services/*.md"\n'
    )
    _workflow(
        default_repo,
        REVIEW,
        'name: review\n"on": pull_request_target\npermissions:\n  contents: read\njobs:\n  look:\n'
        "    runs-on: ubuntu-24.04\n    steps:\n"
        f"      - uses: {CHECKOUT}\n        with:\n          persist-credentials: false\n"
        "      - uses: ./.github/actions/label\n"
        f"      - uses: docker://alpine@sha256:{'a' * 64}\n",
    )
    assert _pipeline(default_repo) == []


def test_a_container_action_by_tag_and_a_reusable_workflow_by_branch(default_repo: Path) -> None:
    _workflow(
        default_repo,
        REVIEW,
        'name: review\n"on": pull_request\npermissions: {}\njobs:\n'
        "  shared:\n    uses: acme/ci/.github/workflows/a.yaml@main\n"
        "  look:\n    runs-on: ubuntu-24.04\n    permissions: {}\n    steps:\n      - uses: docker://alpine:3.20\n",
    )
    found = _pipeline(default_repo)
    assert [(f.rule, f.line) for f in found] == [("pipeline.unpinned-action", 6), ("pipeline.unpinned-action", 11)]
    assert "container action pinned by tag" in found[1].message


def test_a_build_workflow_that_does_not_load(default_repo: Path) -> None:
    (default_repo / BUILD_A).write_text("name: [broken\n")
    [finding] = _pipeline(default_repo)
    assert (finding.rule, finding.file) == ("pipeline.missing-build", BUILD_A) and "does not load" in finding.message


def test_a_retired_service_needs_no_build(default_repo: Path) -> None:
    edit(default_repo, PLATFORM, "  service-c:\n", "  service-c:\n    retired: true\n")
    (default_repo / layout.build_workflow("service-c")).unlink()
    assert _pipeline(default_repo) == []


def test_a_platform_without_github_actions_has_nothing_to_check(new_repo: object) -> None:
    repo = new_repo("--ci", "gitlab")  # type: ignore[operator]
    assert not (repo / ".github").exists()
    assert _pipeline(repo) == []


def test_the_hook_reads_only_the_workflows_it_stages(default_repo: Path) -> None:
    """With the files a commit stages (the pre-commit hooks), only those workflows are read and checked."""
    edit(default_repo, BUILD_A, CHECKOUT, "actions/checkout@v7")
    (default_repo / layout.build_workflow("service-b")).unlink()
    staged = [layout.build_workflow("service-b")]
    repo, found = validation.checked(default_repo, paths=staged)
    assert [(f.rule, f.file) for f in found if f.rule.startswith("pipeline.")] == [("pipeline.missing-build", PLATFORM)]
    assert list(repo.workflows().documents) == []
    repo, found = validation.checked(default_repo, paths=[BUILD_A])
    assert list(repo.workflows().documents) == [BUILD_A]
    assert {f.rule for f in found if f.rule.startswith("pipeline.")} == {"pipeline.unpinned-action"}


def test_the_workflows_are_read_only_by_this_family(default_repo: Path) -> None:
    repo, _ = validation.checked(default_repo, families=["schema", "consistency"])
    assert repo._workflows is None


def test_add_service_refuses_nothing_and_writes_the_build(default_repo: Path) -> None:
    result = run_lockstep("add-service", "service-d", "--language", "go", "--repo", default_repo)
    assert result.code == 0, result.err
    written = (default_repo / layout.build_workflow("service-d")).read_text()
    assert "group: build-service-d" in written and '"charts/service-d/**"' in written
    assert _pipeline(default_repo) == []
