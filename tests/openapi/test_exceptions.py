"""The accept-list (`exceptions.entries`, `read`, `apply`): which findings an entry accepts (rule, operation by
shape, method in any case, service), what an accepted finding looks like, expiry (the day itself still counts;
afterwards the entry accepts nothing and is itself an error at its line), and the one-line errors a user gets for an
accept-list that is not valid, through `lockstep diff-api --exceptions`."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator import yamlio
from generator.errors import LoadError, UsageError
from generator.findings import Finding
from generator.openapi import exceptions
from generator.openapi.exceptions import Exception_
from tests.conftest import Run, run_lockstep
from tests.openapi.documents import edited, pets, write

TODAY = datetime.date(2026, 11, 27)
HEADER = "apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n"


def removed(operation: str = "GET /pets/{petId}", rule: str = "api.operation-removed") -> Finding:
    return Finding(rule, "error", "base.yaml", 12, 1, f"{operation} was removed", operation=operation)


def entry(
    operation: str = "GET /pets/{petId}",
    rule: str = "api.operation-removed",
    expires: datetime.date | None = None,
    service: str | None = None,
    reason: str = "clients moved to v2",
) -> Exception_:
    return Exception_(rule, operation, reason, expires, service, 4, 5)


def accept(finding: Finding, *entries: Exception_, service: str | None = None) -> list[Finding]:
    return exceptions.apply([finding], entries, "exceptions.yaml", TODAY, service)


def accepted(finding: Finding, *entries: Exception_, service: str | None = None) -> bool:
    [result] = accept(finding, *entries, service=service)
    return result.level == "info"


# --- reading -----------------------------------------------------------------------------------------------


def test_entries_keep_every_field_and_their_place() -> None:
    doc = yamlio.loads(
        HEADER
        + "  - rule: api.operation-removed\n    operation: GET /pets/{id}\n    reason: moved\n"
        + "  - {rule: api.response-type-changed, operation: POST /pets, reason: fixed, expires: 2027-01-31,"
        + " service: billing}\n",
        "exceptions.yaml",
    )
    assert exceptions.entries(doc) == (
        Exception_("api.operation-removed", "GET /pets/{id}", "moved", None, None, 4, 5),
        Exception_("api.response-type-changed", "POST /pets", "fixed", datetime.date(2027, 1, 31), "billing", 7, 5),
    )


def test_read_a_file_named_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "api-exceptions.yaml"
    path.write_text(HEADER + "  - rule: api.operation-removed\n    operation: GET /pets\n    reason: r\n")
    [only] = exceptions.read(path)
    assert (only.rule, only.operation, only.line) == ("api.operation-removed", "GET /pets", 4)
    with pytest.raises(UsageError, match="no such file"):
        exceptions.read(tmp_path / "missing.yaml")


def test_an_empty_accept_list_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "api-exceptions.yaml"
    path.write_text(HEADER.replace("exceptions:\n", "exceptions: []\n"))
    assert exceptions.read(path) == ()


# --- matching ----------------------------------------------------------------------------------------------


def test_an_accepted_finding_becomes_info_saying_why() -> None:
    finding = removed()
    [result] = accept(finding, entry())
    assert result.level == "info"
    assert result.message == "GET /pets/{petId} was removed (accepted: clients moved to v2)"
    assert (result.rule, result.file, result.line, result.operation) == (
        finding.rule,
        finding.file,
        finding.line,
        finding.operation,
    )


def test_an_entry_accepts_only_its_rule_and_operation() -> None:
    assert not accepted(removed(rule="api.response-type-changed"), entry())
    assert not accepted(removed("DELETE /pets/{petId}"), entry())
    assert not accepted(removed("GET /pets"), entry())
    assert not accepted(removed("GET /pets/{petId}/toys"), entry())
    assert accept(removed(), entry("GET /pets")) == [removed()]  # untouched, not even re-worded


@pytest.mark.parametrize("written", ["GET /pets/{id}", "GET /pets/{petId}", "get /pets/{x}", "Get /pets/{}"])
def test_an_operation_matches_by_method_in_any_case_and_path_shape(written: str) -> None:
    assert accepted(removed("GET /pets/{petId}"), entry(written))


def test_a_service_entry_accepts_only_that_services_findings() -> None:
    billing = entry(service="billing")
    assert accepted(removed(), billing, service="billing")
    assert not accepted(removed(), billing, service="orders")
    assert not accepted(removed(), billing)  # diff-api compares files of no service
    assert accepted(removed(), entry(), service="orders")  # an entry without a service is for every service


def test_one_entry_accepts_every_finding_it_matches() -> None:
    findings = [removed(), removed("GET /pets/{id}"), removed("PUT /pets/{petId}")]
    result = exceptions.apply(findings, (entry(),), "exceptions.yaml", TODAY)
    assert [f.level for f in result] == ["info", "info", "error"]


# --- expiry --------------------------------------------------------------------------------------------------


def test_an_entry_is_good_through_its_expiry_date() -> None:
    assert accept(removed(), entry(expires=TODAY))[0].level == "info"
    assert accept(removed(), entry(expires=TODAY + datetime.timedelta(days=365)))[0].level == "info"


def test_an_expired_entry_accepts_nothing_and_is_reported_at_its_line() -> None:
    yesterday = TODAY - datetime.timedelta(days=1)
    result = accept(removed(), entry(expires=yesterday))
    assert result[0] == removed()
    [expired] = result[1:]
    assert (expired.rule, expired.level, expired.file, expired.line, expired.column) == (
        "api.exception-expired",
        "error",
        "exceptions.yaml",
        4,
        5,
    )
    assert expired.message == f"the exception for api.operation-removed on GET /pets/{{petId}} expired on {yesterday}"


def test_a_renewed_entry_below_the_expired_one_accepts() -> None:
    expired, renewed = entry(expires=datetime.date(2001, 1, 1)), entry(expires=datetime.date(2999, 1, 1))
    for order in ((expired, renewed), (renewed, expired)):
        first, reported = accept(removed(), *order)
        assert first.level == "info" and reported.rule == "api.exception-expired"


def test_an_expired_entry_is_reported_even_when_nothing_matches_it() -> None:
    result = exceptions.apply([], (entry(expires=datetime.date(2001, 1, 1)),), "exceptions.yaml", TODAY)
    assert [f.rule for f in result] == ["api.exception-expired"]


def test_an_expired_entry_of_another_service_is_not_this_services_finding() -> None:
    old = entry(expires=datetime.date(2001, 1, 1), service="billing")
    assert exceptions.apply([], (old,), "exceptions.yaml", TODAY, service="orders") == []
    assert len(exceptions.apply([], (old,), "exceptions.yaml", TODAY, service="billing")) == 1


# --- through the command line ------------------------------------------------------------------------------


@pytest.fixture
def contracts(tmp_path: Path) -> tuple[Path, Path]:
    base = write(pets(), tmp_path / "base.yaml")
    head = write(edited(pets(), lambda d: d["paths"]["/pets/{petId}"].pop("get")), tmp_path / "head.yaml")
    return base, head


ENTRY = "  - rule: api.operation-removed\n    operation: GET /pets/{id}\n    reason: v2\n"


def diff_api(contracts: tuple[Path, Path], accept_list: Path, entries: str) -> Run:
    """`lockstep diff-api BASE HEAD --exceptions ACCEPT_LIST`, GET /pets/{petId} removed from HEAD."""
    accept_list.write_text(HEADER + entries)
    return run_lockstep("diff-api", *contracts, "--exceptions", accept_list)


def test_diff_api_accepts_by_shape_and_reports_expiry_at_the_line(contracts: tuple[Path, Path], tmp_path: Path) -> None:
    accept_list = tmp_path / "api-exceptions.yaml"
    good = diff_api(contracts, accept_list, ENTRY)
    assert good.code == 0
    assert "info api.operation-removed: GET /pets/{petId}: GET /pets/{petId} was removed (accepted: v2)" in good.out
    expired = diff_api(
        contracts,
        accept_list,
        "  - reason: v2\n    expires: 2001-02-03\n    rule: api.operation-removed\n    operation: GET /pets/{id}\n",
    )
    assert expired.code == 1
    assert f"{accept_list}:4:5: error api.exception-expired: the exception for api.operation-removed" in expired.out
    assert "error api.operation-removed: GET /pets/{petId}" in expired.out


@pytest.mark.parametrize(
    ("entries", "where", "message"),
    [
        ("    expires: 2026-02-30\n", "7:14", "`expires` `2026-02-30` is not a date such as 2026-12-31"),
        ("    expires: '2026-13-01'\n", "7:14", "`expires` `2026-13-01` is not a date such as 2026-12-31"),
        ("    expires: 2026-2-3\n", "7:14", "`expires` `2026-2-3` is not a date such as 2026-12-31"),
        ("    service: Billing\n", "7:14", "`service` `Billing` is not a DNS-1123 label"),
    ],
    ids=["february-30", "month-13", "short", "service"],
)
def test_a_bad_value_is_exit_2_at_its_place(
    entries: str, where: str, message: str, contracts: tuple[Path, Path], tmp_path: Path
) -> None:
    accept_list = tmp_path / "api-exceptions.yaml"
    result = diff_api(contracts, accept_list, ENTRY + entries)
    assert (result.code, result.out) == (2, "")
    [line] = result.err.splitlines()
    assert line.startswith(f"lockstep: error: {accept_list}:{where}: {message}")


@pytest.mark.parametrize("rule", ["operation-removed", "yaml.syntax", "API.operation-removed"])
def test_a_rule_that_is_not_an_api_rule_is_refused_at_its_line(
    rule: str, contracts: tuple[Path, Path], tmp_path: Path
) -> None:
    accept_list = tmp_path / "api-exceptions.yaml"
    result = diff_api(contracts, accept_list, ENTRY.replace("api.operation-removed", rule))
    assert result.code == 2
    assert result.err == (
        f"lockstep: error: {accept_list}:4:11: `rule` `{rule}` is not an API rule id (lockstep diff-api --list-rules)\n"
    )


def test_read_raises_the_first_problem_as_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "api-exceptions.yaml"
    path.write_text(HEADER + "  - rule: api.x\n    operation: GET /pets\n")
    with pytest.raises(LoadError) as error:
        exceptions.read(path)
    assert str(error.value) == f"{path}:4:5: missing required key `reason`"
