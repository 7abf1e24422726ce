from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, findings
from tests.validators.cases import DEV_LOCK, PLATFORM, STAGE_LOCK, Case, assert_fires

PIN_B = "  service-b:\n    version: 0.1.0\n    image: registry.example.com/logistics/service-b:0.1.0\n"


def _b_requires(lock: str, text: str):
    def tamper(repo: Path) -> None:
        edit(repo, lock, PIN_B, PIN_B + f"    requires:\n      service-a: '{text}'\n")
        edit(repo, "releases/0.1.0.yaml", PIN_B, PIN_B + f"    requires:\n      service-a: '{text}'\n")

    return tamper


def _b_requires_a_missing_service(repo: Path) -> None:
    edit(repo, DEV_LOCK, PIN_B, PIN_B + "    requires:\n      service-z: '^1.0'\n")


CASES = [
    Case("compatibility.unsatisfied", STAGE_LOCK, "service-a: '>=2.0.0'", _b_requires(STAGE_LOCK, ">=2.0.0")),
    Case("compatibility.missing-service", DEV_LOCK, "service-z:", _b_requires_a_missing_service),
    Case(
        "compatibility.invalid-range",
        PLATFORM,
        "service-a: {range: nope",
        lambda r: edit(
            r, PLATFORM, '{range: ">=0.1.0 <1.0.0", operations: [listItems]}', "{range: nope, operations: [listItems]}"
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def test_finding_names_both_services_versions_range_and_environment(default_repo: Path) -> None:
    _b_requires(STAGE_LOCK, ">=2.0.0")(default_repo)
    [finding] = [f for f in findings(default_repo) if f.rule == "compatibility.unsatisfied"]
    assert finding.message == "in stage, service-b 0.1.0 requires service-a >=2.0.0, but service-a is at 0.1.0"


def test_met_requirements_and_cycles_are_fine(default_repo: Path) -> None:
    _b_requires(STAGE_LOCK, "^0.1")(default_repo)
    pin_a = "  service-a:\n    version: 0.1.0\n    image: registry.example.com/logistics/service-a:0.1.0\n"
    edit(default_repo, STAGE_LOCK, pin_a, pin_a + "    requires:\n      service-b: 0.1.x\n")
    edit(default_repo, "releases/0.1.0.yaml", pin_a, pin_a + "    requires:\n      service-b: 0.1.x\n")
    assert [f for f in findings(default_repo) if f.rule.startswith("compatibility.")] == []
