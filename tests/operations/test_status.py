from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lockstep, ungate
from tests.operations.test_moves import prod_overrides

DATA = Path(__file__).parent.parent / "data"


def _in_flight(repo: Path) -> Path:
    """service-a bumped and released in dev, service-c bumped after the release and stamped (waiting for stage)."""
    for step in (["bump", "service-a"], ["release"], ["bump", "service-c", "minor"], ["stamp"]):
        assert run_lockstep(*step, "--repo", repo).code == 0
    return repo


def test_markdown_matches_the_reference_file(default_repo: Path) -> None:
    result = run_lockstep("status", "--format", "markdown", "--repo", _in_flight(default_repo))
    assert result.code == 0
    assert result.out == (DATA / "status_three_services.md").read_text()


def test_terminal_table(default_repo: Path) -> None:
    result = run_lockstep("status", "--repo", _in_flight(default_repo))
    lines = result.out.splitlines()
    assert lines[0] == "logistics (combined)"
    assert lines[2] == "│ service   │ dev         │ stage    │ prod     │"
    assert lines[5] == "│ platform  │ 0.3.0-dev.1 │ 0.1.0    │ 0.1.0    │"
    assert lines[-2:] == ["waiting:", "  stage <- dev: platform 0.3.0-dev.1"]
    assert len({len(line) for line in lines[1:-2]}) == 1  # a real table: every row as wide as the frame


def test_json(default_repo: Path) -> None:
    status = json.loads(run_lockstep("status", "--format", "json", "--repo", _in_flight(default_repo)).out)
    assert [env["platform"] for env in status["environments"]] == ["0.3.0-dev.1", "0.1.0", "0.1.0"]
    assert status["environments"][0]["services"]["service-c"] == "0.2.0"
    assert status["waiting"] == [{"environment": "stage", "from": "dev", "what": "platform 0.3.0-dev.1", "holds": []}]


def test_independent_environments_list_services_waiting(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    assert run_lockstep("bump", "service-b", "--repo", repo).code == 0
    status = json.loads(run_lockstep("status", "--format", "json", "--repo", repo).out)
    assert status["waiting"] == [{"environment": "stage", "from": "dev", "what": "service-b 0.1.1", "holds": []}]


def test_the_last_three_overrides_of_each_environment(default_repo: Path) -> None:
    prod_overrides(default_repo, "first", "second", "third", "fourth")
    result = run_lockstep("status", "--repo", default_repo)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[lines.index("overrides:") + 1 :] == [
        f'  prod: freeze by Jane Doe <jane@example.com> at 2026-11-2{day}T16:05:00Z for platform 0.1.0: "{reason}"'
        for day, reason in ((1, "second"), (2, "third"), (3, "fourth"))
    ]
    data = json.loads(run_lockstep("status", "--format", "json", "--repo", default_repo).out)
    assert [[o["reason"] for o in env["overrides"]] for env in data["environments"]] == [
        [],
        [],
        ["second", "third", "fourth"],
    ]


def test_a_frozen_environment_says_which_gate_holds_and_when_it_opens(default_repo: Path) -> None:
    """prod frozen every weekend (Europe/Berlin); stage runs 0.2.0. On Saturday status says the freeze holds prod
    until Monday 08:00 CET; on Monday at 09:00 nothing holds it."""
    ungate(default_repo)  # the generated soak and checks: this test is about the freeze
    platform = default_repo / "platform.yaml"
    text = platform.read_text()
    weekend = "        - weekly: Fri 15:00-Mon 08:00\n          tz: Europe/Berlin\n"
    frozen = f"  - name: prod\n    gates:\n      freeze:\n{weekend}"
    platform.write_text(text.replace("  - name: prod\n", frozen, 1))
    for step in (["bump", "service-a"], ["stamp"], ["release"], ["promote", "stage"]):
        assert run_lockstep(*step, "--repo", default_repo, "--now", "2026-11-26T10:00:00Z").code == 0
    saturday = json.loads(
        run_lockstep("status", "--format", "json", "--now", "2026-11-28T12:00:00Z", "--repo", default_repo).out
    )
    [waiting] = [w for w in saturday["waiting"] if w["environment"] == "prod"]
    assert [(h["gate"], h["opens"]) for h in waiting["holds"]] == [("freeze", "2026-11-30T07:00:00Z")]
    monday = json.loads(
        run_lockstep("status", "--format", "json", "--now", "2026-11-30T08:00:00Z", "--repo", default_repo).out
    )
    assert [w["holds"] for w in monday["waiting"] if w["environment"] == "prod"] == [[]]
