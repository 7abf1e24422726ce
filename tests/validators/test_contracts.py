"""Pull-request mode on repositories made by lockstep: a breaking contract change needs a major bump."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import commit, drop_generated_requires, edit, findings, run_lockstep, validate
from tests.validators.cases import DEV_LOCK, PLATFORM, Case, assert_fires

CONTRACT = "services/service-a/openapi.yaml"
ITEM_NAME = "        name:\n          type: string\n          minLength: 1\n          maxLength: 100\n    Error:"


def remove_item_name(repo: Path) -> None:
    """Item (returned by GET /items/{id}) loses its required `name`."""
    edit(
        repo,
        CONTRACT,
        "      required: [id, name]\n      properties:\n        id:",
        "      required: [id]\n      properties:\n        id:",
    )
    edit(repo, CONTRACT, ITEM_NAME, "    Error:")


def bump(repo: Path, level: str) -> None:
    assert run_lockstep("bump", "service-a", level, "--repo", repo).code == 0


def unreleased(repo: Path) -> None:
    """service-a at 0.2.0, not released yet, committed: on trunk a patch of it is allowed (0.1.0 is released, and
    its patches belong to the release branch)."""
    bump(repo, "minor")
    commit(repo, "trunk moved the minor")


def test_breaking_change_with_a_patch_bump_fails(default_repo: Path) -> None:
    unreleased(default_repo)
    remove_item_name(default_repo)
    bump(default_repo, "patch")
    commit(default_repo, "remove name")
    result = validate(default_repo, "--base", "HEAD~1")
    assert result.code == 1
    assert "api.response-property-removed: GET /items/{id}: response 200: property `name` was removed" in result.out
    assert (f"{DEV_LOCK}:6:14: error contracts.breaking-without-major: {CONTRACT} has") in result.out
    assert "service-a goes 0.2.0 -> 0.2.1; it needs a minor bump (below 1.0.0)" in result.out


def test_the_same_change_with_a_major_bump_passes(default_repo: Path) -> None:
    remove_item_name(default_repo)
    bump(default_repo, "minor")  # 0.x: a minor bump is the major one
    commit(default_repo, "remove name")
    result = validate(default_repo, "--base", "HEAD~1")
    assert result.code == 0, result.out
    assert (
        "info api.response-property-removed: GET /items/{id}: response 200: property `name` was removed "
        "(shipped as 0.1.0 -> 0.2.0)"
    ) in result.out  # still shown, as the reason for the bump


def test_major_bump_after_1_0_needs_the_major(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--version", "1.0.0", "--repo", default_repo).code == 0
    commit(default_repo, "1.0.0")
    remove_item_name(default_repo)
    bump(default_repo, "minor")
    assert "needs a major bump" in validate(default_repo, "--base", "HEAD").out
    commit(default_repo, "minor")
    assert run_lockstep("bump", "service-a", "--version", "2.0.0", "--repo", default_repo).code == 0
    assert validate(default_repo, "--base", "HEAD~1").code == 0


def test_a_ref_that_names_nothing_is_an_error_on_the_tree_and_in_a_pull_request(default_repo: Path) -> None:
    """Also where nothing old is compared (an operation added with a mistyped `$ref`), even with a major bump."""
    edit(
        default_repo,
        CONTRACT,
        "    get:\n      operationId: getItem\n",
        "    put:\n      operationId: replaceItem\n      requestBody:\n        content:\n          application/json:\n"
        '            schema: {$ref: "#/components/schemas/Itme"}\n'
        '      responses:\n        "204":\n          description: Replaced.\n'
        "    get:\n      operationId: getItem\n",
    )
    expected = f"{CONTRACT}:117:13: error api.unresolved-ref: $ref `#/components/schemas/Itme` does not resolve"
    tree = validate(default_repo)
    assert tree.code == 1 and expected in tree.out, tree.out
    bump(default_repo, "minor")
    pull_request = validate(default_repo, "--base", "HEAD")
    assert pull_request.code == 1 and pull_request.out.count("api.unresolved-ref") == 1, pull_request.out
    assert expected in pull_request.out


def test_accepted_exception_and_its_expiry(default_repo: Path) -> None:
    unreleased(default_repo)
    remove_item_name(default_repo)
    bump(default_repo, "patch")
    accept = default_repo / ".lockstep/api-exceptions.yaml"
    entry = "".join(
        f"  - rule: api.response-property-removed\n    operation: {operation}\n"
        "    service: service-a\n    reason: no client reads name\n"
        for operation in ("GET /items/{itemId}", "GET /items", "POST /items")
    )
    accept.write_text("apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n" + entry)
    result = validate(default_repo, "--base", "HEAD")
    assert result.code == 0, result.out
    assert "(accepted: no client reads name)" in result.out
    accept.write_text(
        "apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n" + entry + "    expires: 2020-01-01\n"
    )
    result = validate(default_repo, "--base", "HEAD")
    assert result.code == 1
    assert ".lockstep/api-exceptions.yaml:12:5: error api.exception-expired" in result.out
    assert "contracts.breaking-without-major" in result.out


ACCEPT_LIST = ".lockstep/api-exceptions.yaml"


def _expired_exception(repo: Path) -> None:
    unreleased(repo)
    remove_item_name(repo)
    bump(repo, "patch")
    (repo / ACCEPT_LIST).write_text(
        "apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n"
        "  - rule: api.response-property-removed\n    operation: GET /items/{id}\n"
        "    reason: no client reads name\n    expires: 2020-01-01\n"
    )


def _consumer_needs_get_item(repo: Path) -> None:
    drop_generated_requires(repo)
    edit(
        repo,
        PLATFORM,
        "  service-b:\n    language: python\n",
        "  service-b:\n    language: python\n    requires:\n      service-a:\n        range: '>=0.1.0'\n"
        "        operations: [getItem, listItems]\n",
    )


def _remove_list_items(repo: Path) -> None:
    _consumer_needs_get_item(repo)
    edit(repo, CONTRACT, "operationId: listItems", "operationId: listAllItems")


def _b_calls_an_operation_a_0_1_0_lacks(repo: Path) -> None:
    """service-a 0.2.0 renames listItems to listAllItems; service-b 0.2.0 calls listAllItems."""
    edit(repo, CONTRACT, "operationId: listItems", "operationId: listAllItems")
    bump(repo, "minor")
    commit(repo, "service-a 0.2.0: listAllItems")
    drop_generated_requires(repo)
    edit(
        repo,
        PLATFORM,
        "  service-b:\n    language: python\n",
        "  service-b:\n    language: python\n    requires:\n      service-a:\n        range: '>=0.1.0'\n"
        "        operations: [listAllItems]\n",
    )
    assert run_lockstep("bump", "service-b", "--repo", repo).code == 0
    commit(repo, "service-b 0.2.0 calls listAllItems")


def _dev_goes_back_to_a_0_1_0(repo: Path) -> None:
    _b_calls_an_operation_a_0_1_0_lacks(repo)
    edit(repo, DEV_LOCK, "service-a:0.2.0", "service-a:0.1.0")
    edit(repo, DEV_LOCK, "  service-a:\n    version: 0.2.0", "  service-a:\n    version: 0.1.0")


def _shallow_clone_goes_back_to_a_0_1_0(repo: Path) -> None:
    """As the generated workflow checks out: the last commit alone (its history is not there)."""
    _b_calls_an_operation_a_0_1_0_lacks(repo)
    shallow = repo.parent / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", shallow], check=True)
    shutil.rmtree(repo / ".git")
    (shallow / ".git").rename(repo / ".git")
    edit(repo, DEV_LOCK, "service-a:0.2.0", "service-a:0.1.0")
    edit(repo, DEV_LOCK, "  service-a:\n    version: 0.2.0", "  service-a:\n    version: 0.1.0")


CASES = [
    Case(
        "contracts.rollback-contract-unknown",
        DEV_LOCK,
        "version: 0.1.0",
        _shallow_clone_goes_back_to_a_0_1_0,
        base="HEAD",
    ),
    Case(
        "contracts.rollback-operation-missing",
        DEV_LOCK,
        "version: 0.1.0",
        _dev_goes_back_to_a_0_1_0,
        base="HEAD",
    ),
    Case(
        "api.exception-expired", ACCEPT_LIST, "- rule: api.response-property-removed", _expired_exception, base="HEAD"
    ),
    Case("contracts.required-operation-missing", PLATFORM, "operations: [getItem, listItems]", _remove_list_items),
    Case(
        "contracts.breaking-without-major",
        DEV_LOCK,
        "version: 0.2.1",
        lambda r: (unreleased(r), remove_item_name(r), bump(r, "patch")),
        base="HEAD",
    ),
    Case(
        "contracts.major-without-breaking",
        DEV_LOCK,
        "version: 1.0.0",
        lambda r: (
            edit(r, CONTRACT, "title: service-a", "title: service A"),
            run_lockstep("bump", "service-a", "major", "--repo", r),
        ),
        base="HEAD",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def test_required_operations_name_the_consumer_even_with_a_major_bump(default_repo: Path) -> None:
    _remove_list_items(default_repo)
    bump(default_repo, "major")
    [finding] = [f for f in findings(default_repo, base="HEAD") if f.rule == "contracts.required-operation-missing"]
    assert finding.message == (
        "service-b calls service-a's operation `listItems`, which services/service-a/openapi.yaml no longer has"
    )
    _consumer_needs_get_item(default_repo)  # unchanged manifest text: still required
    edit(default_repo, PLATFORM, "[getItem, listItems]", "[getItem]")  # the consumer no longer needs it
    assert not [f for f in findings(default_repo, base="HEAD") if f.rule == "contracts.required-operation-missing"]
